-- Analyst view: accounts first seen in the latest ISO week the warehouse holds, and whether
-- the same real-world seller was already known under another account.
CREATE OR REPLACE VIEW new_sellers_this_week AS
WITH latest AS (
    SELECT strftime(max(crawl_date), '%G-W%V') AS week FROM listing_observation
)
SELECT latest.week, s.seller_key, s.market, s.handle, m.identity_id, s.first_seen, s.listings,
       (SELECT min(o.first_seen) FROM seller o JOIN seller_identity_member om USING (seller_key)
        WHERE om.identity_id = m.identity_id AND o.seller_key <> s.seller_key) AS identity_known_since
FROM seller s
JOIN seller_identity_member m USING (seller_key)
CROSS JOIN latest
WHERE strftime(s.first_seen, '%G-W%V') = latest.week;
