-- Top drugs by destination country: flagged listings observed in the report week per
-- (ship-to, INN), the $top_n most listed drugs of each destination. No stated destination = NULL.
-- Reads the report session's temp table report_week_flagged (report_week_flagged.sql).
WITH seen AS (
    SELECT listing_key,
           unnest(CASE WHEN len(coalesce(ship_to, [])) = 0 THEN [NULL::VARCHAR] ELSE ship_to END) AS ship_to
    FROM report_week_flagged
),
counts AS (
    SELECT s.ship_to, d.inn, min(d."class") AS drug_class, count(DISTINCT s.listing_key) AS listings
    FROM seen s JOIN listing_drug d USING (listing_key)
    GROUP BY ALL
)
SELECT ship_to, sum(listings) OVER (PARTITION BY ship_to) AS country_total, inn, drug_class, listings
FROM counts
QUALIFY row_number() OVER (PARTITION BY ship_to ORDER BY listings DESC, inn) <= $top_n::INTEGER
ORDER BY country_total DESC, ship_to NULLS LAST, listings DESC, inn;
