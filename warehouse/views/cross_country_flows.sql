-- Analyst view: per ISO week, ship-from -> ship-to, drug class and price unit, how many listings
-- and sellers were observed and their median USD unit price. A listing shipping to several
-- destinations counts once in each; no stated destination is ship_to NULL. The median is taken
-- per unit of the price (price_unit: 'unit' a pill or a piece, 'g', 'ml', NULL when the pack
-- is unknown): a median over pills, grams and millilitres together would mean nothing.
CREATE OR REPLACE VIEW cross_country_flows AS
WITH obs AS (
    SELECT week, listing_key, seller, market, ship_from, unit_price_usd, quantity_unit,
           unnest(CASE WHEN len(ship_to) = 0 OR ship_to IS NULL THEN [NULL::VARCHAR] ELSE ship_to END) AS ship_to
    FROM listing_observation
),
classes AS (
    SELECT DISTINCT listing_key, "class" AS drug_class FROM listing_drug
)
SELECT o.week, o.ship_from, o.ship_to, c.drug_class, o.quantity_unit AS price_unit,
       count(DISTINCT o.listing_key) AS listings,
       count(DISTINCT (o.market, o.seller)) AS sellers,
       median(o.unit_price_usd) AS median_unit_price_usd
FROM obs o
JOIN classes c USING (listing_key)
GROUP BY ALL;
