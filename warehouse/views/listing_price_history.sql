-- Analyst view: every observation of every listing with its price, and the change since the
-- previous observation of the same listing.
CREATE OR REPLACE VIEW listing_price_history AS
SELECT listing_key, market, listing_id, crawl_date, fetched_at, title, price, currency,
       price_usd, unit_price_usd, availability,
       price_usd - lag(price_usd) OVER w AS price_usd_change
FROM listing_observation
WINDOW w AS (PARTITION BY listing_key ORDER BY crawl_date);
