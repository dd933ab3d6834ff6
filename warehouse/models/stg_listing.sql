-- Staging: one row per crawled listing page (the last line wins if a crawl saw it twice).
CREATE OR REPLACE VIEW stg_listing AS
SELECT market || ':' || listing_id AS listing_key,
       market, listing_id, crawl_date, run_id, url, fetched_at, http_status,
       page_sha256, warc_file, warc_record_offset, text,
       fields ->> 'title' AS title,
       fields ->> 'seller' AS seller_text,
       fields ->> 'price' AS price_text,
       fields ->> 'ships_from' AS ships_from_text,
       fields ->> 'ships_to' AS ships_to_text,
       fields ->> 'description' AS description,
       fields ->> 'availability' AS availability_text,
       line_no
FROM raw_listing
QUALIFY row_number() OVER (PARTITION BY market, listing_id, crawl_date ORDER BY line_no DESC) = 1;
