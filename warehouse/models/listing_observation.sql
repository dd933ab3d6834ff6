-- One row per listing per crawl: what the page showed that day and what NLP read from it.
-- Incremental (models.INCREMENTAL): this file is the SELECT only. A load deletes and re-inserts
-- the rows of the partitions it loaded ({{partitions}} becomes their filter, which reaches the
-- raw scans); a full build (first load, changed model code) creates the table from all of it.
SELECT l.listing_key, l.market, l.listing_id, l.crawl_date, l.run_id, l.fetched_at,
       strftime(l.crawl_date, '%G-W%V') AS week,
       coalesce(e.title, l.title) AS title,
       e.price, e.currency, e.price_usd, e.quantity, e.quantity_unit, e.unit_price_usd,
       coalesce(l.availability_text, CASE WHEN l.http_status BETWEEN 200 AND 299 THEN 'listed' END) AS availability,
       coalesce(e.seller, l.seller_text) AS seller,
       e.ship_from, e.ship_to, e.is_drug_listing,
       -- Offered a controlled or prescription-only drug that day (NULL: not extracted); flag's
       -- flagged_at is the first such observation.
       list_bool_or(list_transform(
           json_transform(e.drugs, '[{"controlled": "BOOLEAN", "rx_only": "BOOLEAN"}]'),
           lambda d: coalesce(d.controlled, false) OR coalesce(d.rx_only, false))) AS controlled_or_rx,
       l.http_status, l.page_sha256
FROM (SELECT * FROM stg_listing WHERE {{partitions}}) l
LEFT JOIN (SELECT * FROM stg_extracted WHERE {{partitions}}) e USING (market, listing_id, crawl_date)
ORDER BY l.market, l.crawl_date, l.listing_id
