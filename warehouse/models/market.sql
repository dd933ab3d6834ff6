CREATE OR REPLACE TABLE market AS
SELECT market,
       min(crawl_date) AS first_crawl_date,
       max(crawl_date) AS last_crawl_date,
       count(DISTINCT crawl_date) AS crawl_days
FROM (
    SELECT market, crawl_date FROM raw_listing
    UNION ALL SELECT market, crawl_date FROM raw_seller
    UNION ALL SELECT market, crawl_date FROM raw_crawl_error
    UNION ALL SELECT market, crawl_date FROM raw_crawl_stats
    UNION ALL SELECT market, crawl_date FROM raw_extracted
)
GROUP BY market
ORDER BY market;
