-- Cross-country flows in one ISO week ($week, e.g. 2026-W47), largest first.
SELECT week, ship_from, ship_to, drug_class, price_unit, listings, sellers, median_unit_price_usd
FROM cross_country_flows
WHERE week = $week
ORDER BY listings DESC, ship_from NULLS LAST, ship_to NULLS LAST, drug_class, price_unit NULLS LAST;
