-- One row per fetched page (listing or seller profile) with its WARC evidence pointer.
-- Incremental (models.INCREMENTAL): this file is the SELECT only; a load replaces the rows of the
-- partitions it loaded ({{partitions}} becomes their filter), prepare computes them ahead.
SELECT DISTINCT page_sha256 AS sha256, url, warc_file, warc_record_offset, fetched_at,
       http_status AS status, http_status, market, crawl_date, run_id, page_kind
FROM (
    SELECT page_sha256, url, warc_file, warc_record_offset, fetched_at, http_status,
           market, crawl_date, run_id, 'listing' AS page_kind
    FROM raw_listing WHERE {{partitions}}
    UNION ALL
    SELECT page_sha256, url, warc_file, warc_record_offset, fetched_at, NULL::INTEGER,
           market, crawl_date, run_id, 'seller'
    FROM raw_seller WHERE {{partitions}}
)
WHERE page_sha256 IS NOT NULL
ORDER BY market, crawl_date, url, sha256
