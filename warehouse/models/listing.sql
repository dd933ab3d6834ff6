-- One row per market listing (stable key market:listing_id): the latest observation's fields,
-- its history bounds, and when it disappeared. delisted_at is the crawler's explicit delisting
-- event if any, else the start of the first complete crawl of the market that no longer saw it.
CREATE OR REPLACE TABLE listing AS
WITH seen AS (
    SELECT listing_key,
           min(fetched_at) AS first_seen, max(fetched_at) AS last_seen,
           min(crawl_date) AS first_crawl_date, max(crawl_date) AS last_crawl_date,
           count(*) AS crawl_days
    FROM listing_observation
    GROUP BY listing_key
),
latest AS (SELECT * FROM int_listing_latest),
ext AS (SELECT * FROM int_extracted_latest),
explicit_gone AS (
    SELECT market || ':' || listing_id AS listing_key,
           max(coalesce(detected_at, crawl_date::TIMESTAMP)) AS gone_at, arg_max(reason, detected_at) AS reason
    FROM raw_delisted
    GROUP BY ALL
),
absent AS (
    SELECT s.listing_key, min(c.crawled_at) AS gone_at
    FROM seen s
    JOIN latest l USING (listing_key)
    JOIN stg_crawl c ON c.market = l.market AND c.crawl_date > s.last_crawl_date AND c.complete
    GROUP BY s.listing_key
)
SELECT l.listing_key, l.market, l.listing_id,
       coalesce(e.title, l.title) AS title,
       l.url,
       s.first_seen, s.last_seen, s.first_crawl_date, s.last_crawl_date, s.crawl_days,
       CASE WHEN g.gone_at > s.last_seen THEN g.gone_at ELSE a.gone_at END AS delisted_at,
       CASE WHEN g.gone_at > s.last_seen THEN coalesce(g.reason, 'delisted')
            WHEN a.gone_at IS NOT NULL THEN 'absent from later crawl' END AS delisted_reason,
       e.price, e.currency, e.price_usd, e.unit_price_usd,
       e.ship_from, coalesce(e.ship_to, []::VARCHAR[]) AS ship_to,
       coalesce(e.seller, l.seller_text) AS seller,
       l.market || ':' || coalesce(e.seller, l.seller_text) AS seller_key,
       e.is_drug_listing,
       l.description, l.price_text, l.ships_from_text, l.ships_to_text,
       l.http_status, l.page_sha256, l.warc_file, l.warc_record_offset,
       e.crawl_date AS extracted_crawl_date, e.nlp_version,
       -- INNs of the market's category (the shelf), whatever the text names; NULL: not extracted
       -- with shelves. Compare with listing_drug to find listings on another drug's shelf.
       e.shelf_drugs
FROM latest l
JOIN seen s USING (listing_key)
LEFT JOIN ext e USING (listing_key)
LEFT JOIN explicit_gone g USING (listing_key)
LEFT JOIN absent a USING (listing_key)
ORDER BY l.market, l.listing_id;
