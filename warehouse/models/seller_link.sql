-- Evidence that two market accounts are one real-world seller, one row per shared identifier.
-- An identifier shown by more than 4 accounts (a market's escrow address, a help-desk e-mail)
-- is "common", and the ship-from country is "weak": both link accounts only together with
-- near-identical handles on different markets (Jaro-Winkler >= 0.92 on lower-cased
-- alphanumerics; on one market, xanaxking1 and xanaxking2 are usually two accounts).
CREATE OR REPLACE TABLE seller_link AS
WITH usage AS (
    SELECT kind, value, count(DISTINCT seller_key) AS accounts
    FROM seller_identifier GROUP BY kind, value
),
ident AS (
    SELECT i.seller_key, i.market, i.kind, i.value, u.accounts,
           u.accounts <= 4 AND i.kind <> 'ship_from' AS strong,
           regexp_replace(lower(i.handle), '[^a-z0-9]', '', 'g') AS norm
    FROM seller_identifier i JOIN usage u USING (kind, value)
),
shared AS (
    -- A rare, strong identifier links any two accounts that show it.
    SELECT a.seller_key AS seller_a, b.seller_key AS seller_b, a.norm AS norm_a, b.norm AS norm_b,
           a.market <> b.market AS cross_market, a.kind, a.value, a.accounts
    FROM ident a
    JOIN ident b ON a.kind = b.kind AND a.value = b.value AND a.seller_key < b.seller_key
    WHERE a.strong
    UNION ALL
    -- Common and weak identifiers are shared by many accounts: compare only handles on other
    -- markets that start alike (blocking). The block is part of the join key, so the pairs of
    -- a country shared by thousands of accounts are never formed (at 10M observations the
    -- filter after the join cost 5 s).
    SELECT a.seller_key, b.seller_key, a.norm, b.norm, true, a.kind, a.value, a.accounts
    FROM ident a
    JOIN ident b ON a.kind = b.kind AND a.value = b.value AND left(a.norm, 2) = left(b.norm, 2)
                AND a.seller_key < b.seller_key
    WHERE NOT a.strong AND a.market <> b.market
),
scored AS (
    SELECT *, jaro_winkler_similarity(norm_a, norm_b) AS handle_similarity FROM shared
)
SELECT seller_a, seller_b,
       CASE WHEN accounts <= 4 AND kind <> 'ship_from' THEN
                CASE kind WHEN 'pgp' THEN 'same PGP key'
                          WHEN 'pgp_fingerprint' THEN 'same PGP key'
                          WHEN 'crypto' THEN 'same crypto address'
                          ELSE 'same contact handle' END
            ELSE 'near-identical handle plus shared identifier' END AS evidence,
       kind AS identifier_kind, value AS identifier_value,
       round(handle_similarity, 3) AS handle_similarity
FROM scored
WHERE (accounts <= 4 AND kind <> 'ship_from') OR (cross_market AND handle_similarity >= 0.92)
ORDER BY seller_a, seller_b, kind, value;
