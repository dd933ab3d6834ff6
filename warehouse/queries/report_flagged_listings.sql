-- Flagged listings observed in [$start, $end) with reasons and evidence (the page of that
-- week's latest crawl: URL, SHA-256, crawl time), highest score first.
WITH seen AS (
    SELECT listing_key, page_sha256, fetched_at, ship_from, ship_to FROM listing_observation
    WHERE crawl_date >= $start::DATE AND crawl_date < $end::DATE
    QUALIFY row_number() OVER (PARTITION BY listing_key ORDER BY crawl_date DESC) = 1
),
drugs AS (
    SELECT listing_key, list(inn ORDER BY inn) AS drugs FROM listing_drug GROUP BY listing_key
)
SELECT f.listing_key, l.market, l.listing_id, l.title, l.description, l.seller, m.identity_id,
       d.drugs, l.price, l.currency, l.price_usd, s.ship_from, s.ship_to,
       f.score, f.reason_summary, f.reasons, f.rule_version, f.flagged_at,
       l.url, s.page_sha256, s.fetched_at AS crawled_at
FROM seen s
JOIN flag f USING (listing_key)
JOIN listing l USING (listing_key)
LEFT JOIN drugs d USING (listing_key)
LEFT JOIN seller_identity_member m ON m.seller_key = l.seller_key
ORDER BY f.score DESC, l.market, l.listing_id;
