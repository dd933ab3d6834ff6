-- Headline numbers for the week [$start, $end) (crawl dates): what was observed that week.
WITH seen AS (
    SELECT listing_key, any_value(market) AS market, any_value(seller) AS seller,
           bool_or(is_drug_listing) AS is_drug_listing
    FROM listing_observation
    WHERE crawl_date >= $start::DATE AND crawl_date < $end::DATE
    GROUP BY listing_key
)
SELECT
    (SELECT count(*) FROM seen) AS listings,
    (SELECT count(*) FROM seen WHERE is_drug_listing) AS drug_listings,
    (SELECT count(*) FROM seen JOIN flag USING (listing_key)) AS flagged_listings,
    (SELECT count(*) FROM seen JOIN flag USING (listing_key) WHERE flag.score >= 70) AS high_risk_listings,
    (SELECT count(*) FROM listing WHERE first_crawl_date >= $start::DATE AND first_crawl_date < $end::DATE) AS new_listings,
    (SELECT count(DISTINCT market) FROM seen) AS markets,
    (SELECT count(DISTINCT (market, seller)) FROM seen WHERE seller IS NOT NULL) AS sellers,
    (SELECT count(*) FROM alert WHERE week = $week) AS alerts,
    (SELECT count(*) FROM crawl_error
     WHERE crawl_date >= $start::DATE AND crawl_date < $end::DATE) AS crawl_errors;
