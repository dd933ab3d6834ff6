-- Staging: every crawl of a market that produced listings, with its time and completeness.
-- A crawl that stopped early (finish_reason other than 'finished') cannot prove a listing gone.
CREATE OR REPLACE VIEW stg_crawl AS
SELECT l.market, l.crawl_date,
       coalesce(min(s.started_at), min(l.fetched_at), l.crawl_date::TIMESTAMP) AS crawled_at,
       coalesce(bool_and(s.finish_reason = 'finished'), true) AS complete
FROM raw_listing l
LEFT JOIN raw_crawl_stats s USING (market, crawl_date)
GROUP BY l.market, l.crawl_date;
