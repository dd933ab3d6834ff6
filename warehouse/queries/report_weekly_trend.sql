-- Flagged listings observed per ISO week, the $trend_weeks weeks up to the one ending at $end.
SELECT o.week, count(DISTINCT o.listing_key) AS flagged
FROM listing_observation o JOIN flag USING (listing_key)
WHERE o.crawl_date >= $end::DATE - 7 * $trend_weeks::INTEGER AND o.crawl_date < $end::DATE
GROUP BY o.week
ORDER BY o.week;
