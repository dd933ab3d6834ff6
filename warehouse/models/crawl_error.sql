CREATE OR REPLACE TABLE crawl_error AS
SELECT market, crawl_date, run_id, url, kind, status, reason, attempts, "at"
FROM raw_crawl_error
ORDER BY market, crawl_date, line_no;
