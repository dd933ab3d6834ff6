-- One row per listing per crawl: what the page showed that day and what NLP read from it.
CREATE OR REPLACE TABLE listing_observation AS
SELECT l.listing_key, l.market, l.listing_id, l.crawl_date, l.run_id, l.fetched_at,
       strftime(l.crawl_date, '%G-W%V') AS week,
       coalesce(e.title, l.title) AS title,
       e.price, e.currency, e.price_usd, e.quantity, e.unit_price_usd,
       coalesce(l.availability_text, CASE WHEN l.http_status BETWEEN 200 AND 299 THEN 'listed' END) AS availability,
       coalesce(e.seller, l.seller_text) AS seller,
       e.ship_from, e.ship_to, e.is_drug_listing,
       l.http_status, l.page_sha256
FROM stg_listing l
LEFT JOIN stg_extracted e USING (market, listing_id, crawl_date)
ORDER BY l.market, l.crawl_date, l.listing_id;
