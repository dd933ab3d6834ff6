-- One row per fetched page (listing or seller profile) with its WARC evidence pointer.
-- A view: a projection of the raw rows, which hold every column already; as a table it was a
-- tenth of every load (1M rows rewritten), and a look-up by sha256 or url scans one column.
CREATE OR REPLACE VIEW page AS
SELECT DISTINCT page_sha256 AS sha256, url, warc_file, warc_record_offset, fetched_at,
       http_status AS status, http_status, market, crawl_date, run_id, page_kind
FROM (
    SELECT page_sha256, url, warc_file, warc_record_offset, fetched_at, http_status,
           market, crawl_date, run_id, 'listing' AS page_kind
    FROM raw_listing
    UNION ALL
    SELECT page_sha256, url, warc_file, warc_record_offset, fetched_at, NULL::INTEGER,
           market, crawl_date, run_id, 'seller'
    FROM raw_seller
)
WHERE page_sha256 IS NOT NULL
ORDER BY market, crawl_date, url, sha256;
