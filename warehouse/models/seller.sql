-- Sellers seen on listings or crawled as profiles; identity is (market, handle).
CREATE OR REPLACE TABLE seller AS
WITH profile AS (
    SELECT market, handle, url, fields ->> 'pgp_key' AS pgp_key, page_sha256, fetched_at
    FROM raw_seller
    QUALIFY row_number() OVER (PARTITION BY market, handle
                               ORDER BY crawl_date DESC, fetched_at DESC NULLS LAST, line_no DESC) = 1
),
offered AS (
    SELECT market, seller AS handle, count(*) AS listings,
           min(first_seen) AS first_seen, max(last_seen) AS last_seen
    FROM listing
    WHERE seller IS NOT NULL
    GROUP BY market, seller
)
SELECT market, handle,
       p.url AS profile_url, p.pgp_key, p.page_sha256 AS profile_sha256,
       p.handle IS NOT NULL AS profile_crawled,
       coalesce(o.listings, 0) AS listings, o.first_seen, o.last_seen
FROM profile p
FULL OUTER JOIN offered o USING (market, handle)
ORDER BY market, handle;
