-- Flagged listings observed in the report week per (ship-from, ship-to) pair, as observed that
-- week; a listing shipping to several places counts once in each destination column.
-- NULL ship_to = no destination stated. Reads the report session's temp table
-- report_week_flagged (report_week_flagged.sql).
WITH pairs AS (
    SELECT listing_key, ship_from,
           unnest(CASE WHEN len(coalesce(ship_to, [])) = 0 THEN [NULL::VARCHAR] ELSE ship_to END) AS ship_to
    FROM report_week_flagged
)
SELECT ship_from, ship_to, count(DISTINCT listing_key) AS flagged
FROM pairs
GROUP BY ship_from, ship_to
ORDER BY ship_from NULLS LAST, ship_to NULLS LAST;
