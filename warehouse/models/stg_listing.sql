-- Staging: one row per crawled listing page (the last line wins if a crawl saw it twice).
-- The losers are dropped by an anti join on the (listing, crawl) pairs seen more than once, with
-- their highest line number (superseded_line, computed per partition when it is loaded): a
-- filter on market / crawl_date still reaches the scans (listing_observation is rebuilt for the
-- loaded partitions only). A row_number() window cost twice a join at 1M rows, and a semi join
-- on the highest line of every pair, aggregated from all history on every read, 0.4 s more.
-- kept_lines('raw_listing' or 'raw_extracted'): the lines of that raw table that stay.
CREATE OR REPLACE MACRO kept_lines(raw_table) AS TABLE
SELECT r.* FROM query_table(raw_table) r
ANTI JOIN (SELECT * FROM superseded_line WHERE tbl = raw_table) later
    ON later.market = r.market AND later.listing_id = r.listing_id
   AND later.crawl_date = r.crawl_date AND r.line_no < later.line_no;
CREATE OR REPLACE VIEW stg_listing_line AS SELECT * FROM kept_lines('raw_listing');
-- The staging columns of any set of raw_listing lines: int_listing_latest picks its lines
-- before the fields are parsed (parsing every line of history, then keeping the latest, cost
-- a quarter of a second more at 1M observations).
CREATE OR REPLACE MACRO stg_listing_of(lines) AS TABLE
SELECT market || ':' || listing_id AS listing_key,
       market, listing_id, crawl_date, run_id, url, fetched_at, http_status,
       page_sha256, warc_file, warc_record_offset, text,
       f[1] AS title, f[2] AS seller_text, f[3] AS price_text, f[4] AS ships_from_text,
       f[5] AS ships_to_text, f[6] AS description, f[7] AS availability_text,
       line_no
FROM (
    -- One parse of the fields object for all seven values (`->>` per value parsed it 7 times).
    SELECT r.*, json_extract_string(fields, ['title', 'seller', 'price', 'ships_from', 'ships_to',
                                             'description', 'availability']) AS f
    FROM query_table(lines) r
);
CREATE OR REPLACE VIEW stg_listing AS SELECT * FROM stg_listing_of(stg_listing_line);
