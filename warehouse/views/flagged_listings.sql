-- Analyst view: flagged listings with score, reasons, drugs, route, seller and evidence page.
CREATE OR REPLACE VIEW flagged_listings AS
SELECT f.listing_key, l.market, l.listing_id, l.title, f.score, f.reasons, f.rule_version,
       f.flagged_at,
       (SELECT list(d.inn ORDER BY d.inn) FROM listing_drug d WHERE d.listing_key = l.listing_key) AS drugs,
       l.ship_from, l.ship_to, l.price, l.currency, l.price_usd, l.unit_price_usd,
       l.seller_key, m.identity_id, l.first_seen, l.last_seen, l.delisted_at,
       l.url, l.page_sha256, l.warc_file, l.warc_record_offset
FROM flag f
JOIN listing l USING (listing_key)
LEFT JOIN seller_identity_member m ON m.seller_key = l.seller_key;
