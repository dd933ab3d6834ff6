-- Ship-from -> ship-to per listing (latest extraction), one row per destination;
-- ship_to NULL when the listing states no destination. Regions from the country seed.
CREATE OR REPLACE TABLE listing_route AS
SELECT r.listing_key, r.market, r.ship_from, r.ship_to,
       cf.region AS ship_from_region, ct.region AS ship_to_region
FROM (
    SELECT listing_key, market, ship_from,
           unnest(CASE WHEN len(ship_to) = 0 THEN [NULL::VARCHAR] ELSE ship_to END) AS ship_to
    FROM listing
) r
LEFT JOIN country cf ON cf.code = r.ship_from
LEFT JOIN country ct ON ct.code = r.ship_to
ORDER BY r.listing_key, r.ship_to;
