-- Staging: one row per crawled listing page (the last line wins if a crawl saw it twice).
-- Several marts read it: a rebuild computes it once (models.MATERIALISED).
CREATE OR REPLACE VIEW stg_listing AS
SELECT market || ':' || listing_id AS listing_key,
       market, listing_id, crawl_date, run_id, url, fetched_at, http_status,
       page_sha256, warc_file, warc_record_offset, text,
       f[1] AS title, f[2] AS seller_text, f[3] AS price_text, f[4] AS ships_from_text,
       f[5] AS ships_to_text, f[6] AS description, f[7] AS availability_text,
       line_no
FROM (
    -- One parse of the fields object for all seven values (`->>` per value parsed it 7 times).
    SELECT *, json_extract_string(fields, ['title', 'seller', 'price', 'ships_from', 'ships_to',
                                           'description', 'availability']) AS f
    FROM raw_listing
    QUALIFY row_number() OVER (PARTITION BY market, listing_id, crawl_date ORDER BY line_no DESC) = 1
);
