-- Top real-world sellers by flagged listings observed in the report week (the $top_n first, plus
-- every seller active on several markets), with all their accounts and what links them.
-- Reads the report session's temp table report_week_flagged (report_week_flagged.sql).
WITH per_identity AS (
    SELECT m.identity_id, count(*) AS flagged_listings, max(w.score) AS max_score,
           list(DISTINCT l.seller_key ORDER BY l.seller_key) AS active_accounts
    FROM report_week_flagged w JOIN listing l USING (listing_key)
    JOIN seller_identity_member m ON m.seller_key = l.seller_key
    GROUP BY m.identity_id
)
SELECT p.identity_id, p.flagged_listings, p.max_score, p.active_accounts,
       i.seller_keys AS accounts, i.market_names, i.markets,
       list_distinct(list_transform(i.evidence, lambda e: e.identifier_kind)) AS link_kinds
FROM per_identity p JOIN seller_identity i USING (identity_id)
QUALIFY row_number() OVER (ORDER BY p.flagged_listings DESC, p.max_score DESC, p.identity_id) <= $top_n::INTEGER
        OR i.markets >= 2
ORDER BY i.markets >= 2 DESC, p.flagged_listings DESC, p.max_score DESC, p.identity_id;
