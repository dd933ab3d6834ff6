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
shared AS (
    SELECT a.seller_key AS seller_a, b.seller_key AS seller_b, a.handle AS handle_a, b.handle AS handle_b,
           a.market <> b.market AS cross_market,
           a.kind, a.value, u.accounts
    FROM seller_identifier a
    JOIN seller_identifier b ON a.kind = b.kind AND a.value = b.value AND a.seller_key < b.seller_key
    JOIN usage u ON u.kind = a.kind AND u.value = a.value
    -- Common and weak identifiers are shared by many accounts: compare only handles that start
    -- alike (blocking), or the pairs grow with the square of the accounts.
    WHERE (u.accounts <= 4 AND a.kind <> 'ship_from')
       OR (a.market <> b.market
           AND left(regexp_replace(lower(a.handle), '[^a-z0-9]', '', 'g'), 2)
             = left(regexp_replace(lower(b.handle), '[^a-z0-9]', '', 'g'), 2))
),
scored AS (
    SELECT *,
           jaro_winkler_similarity(regexp_replace(lower(handle_a), '[^a-z0-9]', '', 'g'),
                                   regexp_replace(lower(handle_b), '[^a-z0-9]', '', 'g')) AS handle_similarity
    FROM shared
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
