-- Flagged listings per ship-from country (NULL = not stated).
SELECT l.ship_from, count(*) AS flagged, max(f.score) AS max_score
FROM flag f
JOIN listing l USING (listing_key)
WHERE l.first_crawl_date < $end::DATE AND l.last_crawl_date >= $start::DATE
GROUP BY l.ship_from
ORDER BY flagged DESC, l.ship_from NULLS LAST;
