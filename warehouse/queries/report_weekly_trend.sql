-- Flagged listings observed per ISO week, the $trend_weeks weeks up to the one ending at $end.
-- One row per listing with a bit per week it was observed (no (week, listing) hash table),
-- flagged listings only, then a count per bit.
WITH per_listing AS (
    SELECT o.listing_key,
           bit_or(1::BIGINT << (datediff('day', $end::DATE - 7 * $trend_weeks::INTEGER, o.crawl_date) // 7)) AS weeks
    FROM listing_observation o SEMI JOIN flag USING (listing_key)
    WHERE o.crawl_date >= $end::DATE - 7 * $trend_weeks::INTEGER AND o.crawl_date < $end::DATE
    GROUP BY o.listing_key
),
held AS (   -- weeks with crawls only, as before: a week without observations has no row
    SELECT DISTINCT datediff('day', $end::DATE - 7 * $trend_weeks::INTEGER, crawl_date) // 7 AS i
    FROM listing_observation
    WHERE crawl_date >= $end::DATE - 7 * $trend_weeks::INTEGER AND crawl_date < $end::DATE
)
SELECT strftime($end::DATE - (7 * ($trend_weeks::INTEGER - h.i))::INTEGER, '%G-W%V') AS week,
       count(p.listing_key) AS flagged
FROM held h JOIN per_listing p ON (p.weeks >> h.i) & 1 = 1
GROUP BY h.i
ORDER BY week;
