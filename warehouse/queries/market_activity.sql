-- Market activity over time, one row per market and crawl date.
SELECT * FROM market_activity ORDER BY market, crawl_date;
