-- One row per market account (market, handle), from listings and crawled profiles.
-- identity_id: the real-world seller (seller_identity) the account belongs to.
CREATE OR REPLACE TABLE seller AS
WITH profile AS (
    SELECT * FROM stg_seller
    QUALIFY row_number() OVER (PARTITION BY seller_key ORDER BY crawl_date DESC) = 1
),
profile_seen AS (
    SELECT seller_key, min(fetched_at) AS first_seen, max(fetched_at) AS last_seen
    FROM stg_seller GROUP BY seller_key
),
offered AS (
    SELECT seller_key, count(*) AS listings, count(*) FILTER (WHERE delisted_at IS NULL) AS active_listings,
           min(first_seen) AS first_seen, max(last_seen) AS last_seen
    FROM listing
    WHERE seller IS NOT NULL
    GROUP BY seller_key
)
SELECT seller_key,
       coalesce(p.market, split_part(seller_key, ':', 1)) AS market,
       coalesce(p.handle, substr(seller_key, strpos(seller_key, ':') + 1)) AS handle,
       p.url AS profile_url, p.pgp_key, p.page_sha256 AS profile_sha256,
       p.seller_key IS NOT NULL AS profile_crawled,
       coalesce(o.listings, 0) AS listings, coalesce(o.active_listings, 0) AS active_listings,
       least(o.first_seen, ps.first_seen) AS first_seen,
       greatest(o.last_seen, ps.last_seen) AS last_seen
FROM profile p
FULL OUTER JOIN offered o USING (seller_key)
LEFT JOIN profile_seen ps USING (seller_key)
ORDER BY market, handle;
