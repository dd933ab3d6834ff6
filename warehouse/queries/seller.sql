-- Who is this seller ($handle, any market), and where else do they sell.
SELECT p.seller_key, p.market, p.handle, p.identity_id, p.other_accounts, p.identity_market_names,
       p.listings, p.active_listings, p.first_seen, p.last_seen, p.drugs, p.evidence
FROM seller_profiles p
WHERE lower(p.handle) = lower($handle)
ORDER BY p.market;
