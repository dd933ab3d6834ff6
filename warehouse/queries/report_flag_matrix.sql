-- Flagged listings per (ship-from, ship-to) pair; a listing shipping to several places counts
-- once in each destination column. NULL ship_to = no destination stated.
WITH flagged AS (
    SELECT l.listing_key, l.ship_from, l.ship_to
    FROM flag f
    JOIN listing l USING (listing_key)
    WHERE l.first_crawl_date < $end::DATE AND l.last_crawl_date >= $start::DATE
),
pairs AS (
    SELECT listing_key, ship_from, unnest(CASE WHEN len(ship_to) = 0 THEN [NULL] ELSE ship_to END) AS ship_to
    FROM flagged
)
SELECT ship_from, ship_to, count(DISTINCT listing_key) AS flagged
FROM pairs
GROUP BY ship_from, ship_to
ORDER BY ship_from NULLS LAST, ship_to NULLS LAST;
