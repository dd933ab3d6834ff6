-- Headline numbers of the report week [$start, $end) and of the week before (crawl dates): what
-- was observed in each, one row per period ('week', 'previous'). The week comes from the report
-- session's temp table report_week (report_week.sql); only the week before is read here.
WITH periods(period, lo, hi, week) AS (
    VALUES ('week', $start::DATE, $end::DATE, $week),
           ('previous', $start::DATE - 7, $start::DATE, $previous_week)
),
previous AS (
    SELECT listing_key, any_value(market) AS market, any_value(seller) AS seller,
           bool_or(is_drug_listing) AS is_drug_listing
    FROM listing_observation
    WHERE crawl_date >= $start::DATE - 7 AND crawl_date < $start::DATE
    GROUP BY listing_key
),
seen AS (
    SELECT 'week' AS period, market, seller, is_drug_listing, flagged, score FROM report_week
    UNION ALL
    SELECT 'previous', p.market, p.seller, p.is_drug_listing, f.listing_key IS NOT NULL, f.score
    FROM previous p LEFT JOIN flag f USING (listing_key)
),
counts AS (
    SELECT period, count(*) AS listings, count(*) FILTER (WHERE is_drug_listing) AS drug_listings,
           count(*) FILTER (WHERE flagged) AS flagged_listings,
           count(*) FILTER (WHERE flagged AND score >= 70) AS high_risk_listings,
           count(DISTINCT market) AS markets,
           count(DISTINCT (market, seller)) FILTER (WHERE seller IS NOT NULL) AS sellers
    FROM seen
    GROUP BY period
)
SELECT p.period,
    coalesce(c.listings, 0) AS listings,
    coalesce(c.drug_listings, 0) AS drug_listings,
    coalesce(c.flagged_listings, 0) AS flagged_listings,
    coalesce(c.high_risk_listings, 0) AS high_risk_listings,
    (SELECT count(*) FROM listing WHERE first_crawl_date >= p.lo AND first_crawl_date < p.hi) AS new_listings,
    coalesce(c.markets, 0) AS markets,
    coalesce(c.sellers, 0) AS sellers,
    (SELECT count(*) FROM alert a WHERE a.week = p.week) AS alerts,
    (SELECT count(*) FROM crawl_error e WHERE e.crawl_date >= p.lo AND e.crawl_date < p.hi) AS crawl_errors
FROM periods p LEFT JOIN counts c USING (period)
ORDER BY p.period = 'previous';
