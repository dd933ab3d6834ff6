-- Flagged listings observed in [$start, $end) with reasons and evidence (the page of that
-- week's latest crawl: URL, SHA-256, crawl time), highest score first.
-- Flagged listings only, latest observation by arg_max (a GROUP BY, cheaper than a window over
-- every listing of the week); drugs only for those listings.
-- (arg_max of a struct: arg_max skips NULL values, and a NULL ship_from must stay NULL.)
WITH seen AS (
    SELECT listing_key, latest.* FROM (
        SELECT o.listing_key,
               arg_max({'page_sha256': o.page_sha256, 'fetched_at': o.fetched_at,
                        'ship_from': o.ship_from, 'ship_to': o.ship_to}, o.crawl_date) AS latest
        FROM listing_observation o SEMI JOIN flag f USING (listing_key)
        WHERE o.crawl_date >= $start::DATE AND o.crawl_date < $end::DATE
        GROUP BY o.listing_key)
),
drugs AS (
    SELECT listing_key, list(inn ORDER BY inn) AS drugs
    FROM listing_drug SEMI JOIN seen USING (listing_key)
    GROUP BY listing_key
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
