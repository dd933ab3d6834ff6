-- Flagged listings with a score of at least $min_score.
SELECT listing_key, title, score, reasons, drugs, ship_from, ship_to, price_usd, seller_key, identity_id
FROM flagged_listings
WHERE score >= $min_score::INTEGER
ORDER BY score DESC, listing_key;
