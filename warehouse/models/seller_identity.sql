-- Real-world sellers: connected components of accounts joined by seller_link. Every account
-- belongs to exactly one identity (alone when nothing links it). identity_id = the smallest
-- member seller_key, so it is stable as long as that account stays in the group.
CREATE OR REPLACE TABLE seller_identity_member AS
WITH RECURSIVE edge AS (
    SELECT seller_a AS a, seller_b AS b FROM seller_link
    UNION SELECT seller_b, seller_a FROM seller_link
),
reach(node, root) AS (
    SELECT seller_key, seller_key FROM seller
    UNION
    SELECT e.b, r.root FROM reach r JOIN edge e ON e.a = r.node
)
SELECT node AS seller_key, 'SI:' || min(root) AS identity_id
FROM reach GROUP BY node;

CREATE OR REPLACE TABLE seller_identity AS
WITH evidence AS (
    SELECT m.identity_id,
           list({'seller_a': l.seller_a, 'seller_b': l.seller_b, 'evidence': l.evidence,
                 'identifier_kind': l.identifier_kind, 'identifier_value': l.identifier_value}
                ORDER BY l.seller_a, l.seller_b, l.identifier_kind, l.identifier_value) AS evidence
    FROM seller_link l JOIN seller_identity_member m ON m.seller_key = l.seller_a
    GROUP BY m.identity_id
)
SELECT m.identity_id,
       count(*) AS accounts,
       count(DISTINCT s.market) AS markets,
       list(s.seller_key ORDER BY s.seller_key) AS seller_keys,
       list(DISTINCT s.handle ORDER BY s.handle) AS handles,
       list(DISTINCT s.market ORDER BY s.market) AS market_names,
       sum(s.listings) AS listings,
       min(s.first_seen) AS first_seen, max(s.last_seen) AS last_seen,
       coalesce(any_value(e.evidence), []) AS evidence
FROM seller_identity_member m
JOIN seller s USING (seller_key)
LEFT JOIN evidence e USING (identity_id)
GROUP BY m.identity_id
ORDER BY m.identity_id;
