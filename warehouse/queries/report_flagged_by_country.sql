-- Flagged listings observed in [$start, $end) per ship-from country (NULL = not stated).
WITH seen AS (
    SELECT listing_key, ship_from FROM listing_observation
    WHERE crawl_date >= $start::DATE AND crawl_date < $end::DATE
    QUALIFY row_number() OVER (PARTITION BY listing_key ORDER BY crawl_date DESC) = 1
)
SELECT s.ship_from, count(*) AS flagged, max(f.score) AS max_score
FROM seen s JOIN flag f USING (listing_key)
GROUP BY s.ship_from
ORDER BY flagged DESC, s.ship_from NULLS LAST;
