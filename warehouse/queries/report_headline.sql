-- Headline numbers for the report period [$start, $end) (crawl dates).
WITH active AS (
    SELECT * FROM listing
    WHERE first_crawl_date < $end::DATE AND last_crawl_date >= $start::DATE
)
SELECT
    (SELECT count(*) FROM active) AS listings,
    (SELECT count(*) FROM active WHERE is_drug_listing) AS drug_listings,
    (SELECT count(*) FROM active JOIN flag USING (listing_key)) AS flagged_listings,
    (SELECT count(DISTINCT market) FROM active) AS markets,
    (SELECT count(DISTINCT (market, seller)) FROM active WHERE seller IS NOT NULL) AS sellers,
    (SELECT count(*) FROM crawl_error
     WHERE crawl_date >= $start::DATE AND crawl_date < $end::DATE) AS crawl_errors;
