-- Flagged listings observed in the report week per ship-from country (NULL = not stated).
-- Reads the report session's temp table report_week_flagged (report_week_flagged.sql).
SELECT ship_from, count(*) AS flagged, max(score) AS max_score
FROM report_week_flagged
GROUP BY ship_from
ORDER BY flagged DESC, ship_from NULLS LAST;
