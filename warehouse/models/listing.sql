-- One row per (market, listing_id): the latest crawl's fields, the latest extraction's entities.
CREATE OR REPLACE TABLE listing AS
WITH seen AS (
    SELECT market, listing_id,
           min(fetched_at) AS first_seen, max(fetched_at) AS last_seen,
           min(crawl_date) AS first_crawl_date, max(crawl_date) AS last_crawl_date,
           count(DISTINCT crawl_date) AS crawl_days
    FROM raw_listing
    GROUP BY market, listing_id
),
latest AS (
    SELECT * FROM raw_listing
    QUALIFY row_number() OVER (PARTITION BY market, listing_id
                               ORDER BY crawl_date DESC, fetched_at DESC NULLS LAST, line_no DESC) = 1
),
ext AS (
    SELECT * FROM raw_extracted
    QUALIFY row_number() OVER (PARTITION BY market, listing_id
                               ORDER BY crawl_date DESC, line_no DESC) = 1
)
SELECT l.market || ':' || l.listing_id AS listing_key,
       l.market, l.listing_id,
       l.fields ->> 'title' AS title,
       l.url,
       s.first_seen, s.last_seen, s.first_crawl_date, s.last_crawl_date, s.crawl_days,
       e.price, e.currency,
       e.ship_from,
       coalesce(e.ship_to, []::VARCHAR[]) AS ship_to,
       coalesce(e.seller, l.fields ->> 'seller') AS seller,
       e.is_drug_listing,
       l.fields ->> 'description' AS description,
       l.fields ->> 'price' AS price_text,
       l.fields ->> 'ships_from' AS ships_from_text,
       l.fields ->> 'ships_to' AS ships_to_text,
       l.http_status, l.page_sha256, l.warc_file, l.warc_record_offset,
       e.crawl_date AS extracted_crawl_date, e.nlp_version
FROM latest l
JOIN seen s USING (market, listing_id)
LEFT JOIN ext e ON e.market = l.market AND e.listing_id = l.listing_id
ORDER BY l.market, l.listing_id;
