-- Analyst view: each market account with the real-world seller it belongs to, the other
-- accounts of that seller (on any market), what it sells and the evidence linking them.
CREATE OR REPLACE VIEW seller_profiles AS
WITH drugs AS (
    SELECT l.seller_key, list(DISTINCT d.inn ORDER BY d.inn) AS drugs
    FROM listing l JOIN listing_drug d USING (listing_key)
    GROUP BY l.seller_key
)
SELECT s.seller_key, s.market, s.handle, m.identity_id,
       i.accounts AS identity_accounts, i.markets AS identity_markets,
       list_filter(i.seller_keys, lambda k: k <> s.seller_key) AS other_accounts,
       i.market_names AS identity_market_names,
       s.listings, s.active_listings, s.first_seen, s.last_seen,
       coalesce(d.drugs, []) AS drugs,
       s.profile_url, s.profile_crawled,
       i.evidence
FROM seller s
JOIN seller_identity_member m USING (seller_key)
JOIN seller_identity i USING (identity_id)
LEFT JOIN drugs d USING (seller_key);
