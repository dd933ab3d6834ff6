-- Staging: one row per crawled listing page (the last line wins if a crawl saw it twice).
-- The winner is found by a join on the highest line number of each (listing, crawl): half the
-- cost of a row_number() window at 1M rows, and a filter on market / crawl_date still reaches
-- the scans (listing_observation is rebuilt for the loaded partitions only).
CREATE OR REPLACE VIEW stg_listing AS
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
    FROM raw_listing r
    SEMI JOIN (SELECT market, listing_id, crawl_date, max(line_no) AS line_no
               FROM raw_listing GROUP BY ALL) last USING (market, listing_id, crawl_date, line_no)
);
