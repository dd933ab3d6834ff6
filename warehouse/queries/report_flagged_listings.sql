-- Flagged listings with their evidence, highest score first.
SELECT l.market, l.listing_id, l.title, l.description, l.seller,
       (SELECT list(d.inn ORDER BY d.inn) FROM listing_drug d WHERE d.listing_key = l.listing_key) AS drugs,
       l.price, l.currency, l.ship_from, l.ship_to,
       f.score, f.reasons, l.url, l.page_sha256, l.last_seen
FROM flag f
JOIN listing l USING (listing_key)
WHERE l.first_crawl_date < $end::DATE AND l.last_crawl_date >= $start::DATE
ORDER BY f.score DESC, l.market, l.listing_id;
