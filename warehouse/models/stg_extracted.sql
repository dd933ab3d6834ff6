-- Staging: one extraction per (listing, crawl); prices converted to USD at the crawl date's rate.
-- quantity / strength may be a number, a string or {value, unit}: read all three shapes.
-- Marts read it through listing_observation and int_extracted_latest.
-- The last line of each (listing, crawl) wins, found as in stg_listing.
CREATE OR REPLACE VIEW stg_extracted_line AS SELECT * FROM kept_lines('raw_extracted');
-- The staging columns of any set of raw_extracted lines: int_extracted_latest picks its lines
-- before they are converted (as stg_listing_of).
CREATE OR REPLACE MACRO stg_extracted_of(lines) AS TABLE
-- NOT MATERIALIZED: materialised, a filter on market / crawl_date would not reach its scan.
WITH e AS NOT MATERIALIZED (
    SELECT r.*,
           coalesce(TRY_CAST(quantity ->> '$.value' AS DOUBLE), TRY_CAST(quantity ->> '$' AS DOUBLE)) AS qty
    FROM query_table(lines) r
),
-- The rate in force on each (currency, crawl date) the batch holds: an ASOF join over these few
-- pairs, then an equi-join, costs a fraction of an ASOF join sorting every observation. The
-- pairs come from every line, not from `e`: a look-up table may hold a pair no kept line uses,
-- and `e` read twice would de-duplicate the lines twice.
rate AS (
    SELECT k.currency, k.crawl_date, fx.usd_per_unit
    FROM (SELECT DISTINCT upper(currency) AS currency, crawl_date FROM raw_extracted) k
    ASOF LEFT JOIN fx_rate fx ON fx.currency = k.currency AND k.crawl_date >= fx.valid_from
)
SELECT e.market || ':' || e.listing_id AS listing_key,
       e.market, e.listing_id, e.crawl_date, e.run_id, e.url, e.drugs, e.seller, e.ship_from,
       coalesce(e.ship_to, []::VARCHAR[]) AS ship_to,
       coalesce(e.ship_to_exclusions, []::VARCHAR[]) AS ship_to_exclusions,
       e.price, upper(e.currency) AS currency,
       coalesce(e.price_usd, e.price * fx.usd_per_unit) AS price_usd,
       e.qty AS quantity,
       coalesce(quantity ->> '$.unit', NULL) AS quantity_unit,
       coalesce(strength ->> '$.text', strength ->> '$') AS strength_text,
       TRY_CAST(strength ->> '$.value' AS DOUBLE) AS strength_value,
       strength ->> '$.unit' AS strength_unit,
       coalesce(e.unit_price * fx.usd_per_unit,
                coalesce(e.price_usd, e.price * fx.usd_per_unit) / nullif(e.qty, 0)) AS unit_price_usd,
       e.is_drug_listing, e.language, e.nlp_version, e.title,
       e.contacts, coalesce(e.pgp_fingerprints, []::VARCHAR[]) AS pgp_fingerprints,
       coalesce(e.crypto_addresses, []::VARCHAR[]) AS crypto_addresses,
       e.shelf_drugs,
       e.line_no
FROM e
LEFT JOIN rate fx ON fx.currency = upper(e.currency) AND fx.crawl_date = e.crawl_date;
CREATE OR REPLACE VIEW stg_extracted AS SELECT * FROM stg_extracted_of(stg_extracted_line);
