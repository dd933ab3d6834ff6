-- The week [$start, $end) as every report section sees it: one row per listing observed that
-- week, with its flag. reports.weekly runs this once into the temp table `report_week` and the
-- sections read that table, instead of each re-reading and re-grouping the week's observations
-- and joining them to flag (seven times, 0.3-0.8 s each at 10M observations).
-- last_crawl = the week's latest crawl date of the listing (one observation per listing and day);
-- that observation's route and page are fetched for flagged listings only (report_week_flagged).
WITH seen AS (
    SELECT listing_key, any_value(market) AS market, any_value(listing_id) AS listing_id,
           any_value(seller) AS seller, bool_or(is_drug_listing) AS is_drug_listing,
           max(crawl_date) AS last_crawl
    FROM listing_observation
    WHERE crawl_date >= $start::DATE AND crawl_date < $end::DATE
    GROUP BY listing_key
)
SELECT s.*, f.listing_key IS NOT NULL AS flagged, f.score
FROM seen s LEFT JOIN flag f USING (listing_key);
