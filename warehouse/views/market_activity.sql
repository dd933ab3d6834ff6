-- Analyst view: per market and crawl date, listings observed, new and delisted listings,
-- active sellers, and median USD price.
CREATE OR REPLACE VIEW market_activity AS
WITH obs AS (
    SELECT market, crawl_date, count(*) AS listings_observed,
           count(DISTINCT seller) AS sellers_active,
           median(price_usd) AS median_price_usd
    FROM listing_observation
    GROUP BY market, crawl_date
),
new AS (
    SELECT market, first_crawl_date AS crawl_date, count(*) AS new_listings
    FROM listing GROUP BY ALL
),
gone AS (
    SELECT market, delisted_at::DATE AS crawl_date, count(*) AS delisted_listings
    FROM listing WHERE delisted_at IS NOT NULL GROUP BY ALL
)
SELECT o.market, o.crawl_date, strftime(o.crawl_date, '%G-W%V') AS week,
       o.listings_observed, coalesce(n.new_listings, 0) AS new_listings,
       coalesce(g.delisted_listings, 0) AS delisted_listings,
       o.sellers_active, o.median_price_usd
FROM obs o
LEFT JOIN new n USING (market, crawl_date)
LEFT JOIN gone g USING (market, crawl_date);
