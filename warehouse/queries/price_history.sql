-- Price history of one listing ($listing = market:listing_id).
SELECT crawl_date, price, currency, price_usd, unit_price_usd, price_usd_change, availability
FROM listing_price_history
WHERE listing_key = $listing
ORDER BY crawl_date;
