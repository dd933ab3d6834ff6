-- Flagged listings observed in [$start, $end) per (ship-from, ship-to) pair, as observed that
-- week; a listing shipping to several places counts once in each destination column.
-- NULL ship_to = no destination stated.
WITH seen AS (
    SELECT listing_key, ship_from, ship_to FROM listing_observation
    WHERE crawl_date >= $start::DATE AND crawl_date < $end::DATE
    QUALIFY row_number() OVER (PARTITION BY listing_key ORDER BY crawl_date DESC) = 1
),
pairs AS (
    SELECT s.listing_key, s.ship_from,
           unnest(CASE WHEN len(coalesce(s.ship_to, [])) = 0 THEN [NULL::VARCHAR] ELSE s.ship_to END) AS ship_to
    FROM seen s JOIN flag USING (listing_key)
)
SELECT ship_from, ship_to, count(DISTINCT listing_key) AS flagged
FROM pairs
GROUP BY ship_from, ship_to
ORDER BY ship_from NULLS LAST, ship_to NULLS LAST;
