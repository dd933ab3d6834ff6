CREATE OR REPLACE TABLE crawl_run AS
SELECT run_id, market, crawl_date, started_at, finished_at,
       date_diff('second', started_at, finished_at) AS duration_s,
       pages, listings, sellers, errors, bytes, finish_reason
FROM raw_crawl_stats
ORDER BY market, crawl_date, run_id;
