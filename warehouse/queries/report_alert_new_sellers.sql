-- Alert candidates: sellers flagged for the first time in the week [$start, $end). A seller's
-- first flag is the earliest flagged_at of its listings. Only raised when the market was
-- already crawled before the week (in the first week held, every seller would be "new").
WITH history AS (
    SELECT market FROM listing_observation GROUP BY market HAVING min(crawl_date) < $start::DATE
),
seller_flag AS (
    SELECT l.seller_key, any_value(l.market) AS market, min(f.flagged_at) AS first_flagged,
           max(f.score) AS max_score, count(*) AS flagged_listings
    FROM flag f JOIN listing l USING (listing_key)
    WHERE l.seller_key IS NOT NULL
    GROUP BY l.seller_key
),
new_sellers AS (   -- the few candidates first, so evidence is gathered for them only
    SELECT s.* FROM seller_flag s JOIN history h USING (market)
    WHERE s.first_flagged >= $start::DATE AND s.first_flagged < $end::DATE
),
week_obs AS (
    SELECT listing_key, latest.* FROM (   -- a struct: arg_max skips NULL values
        SELECT o.listing_key,
               arg_max({'page_sha256': o.page_sha256, 'fetched_at': o.fetched_at}, o.crawl_date) AS latest
        FROM listing_observation o JOIN listing l USING (listing_key)
        WHERE o.crawl_date >= $start::DATE AND o.crawl_date < $end::DATE
          AND l.seller_key IN (SELECT seller_key FROM new_sellers)
        GROUP BY o.listing_key)
),
evidence AS (
    SELECT l.seller_key,
           list({'listing_key': l.listing_key, 'url': l.url, 'page_sha256': w.page_sha256,
                 'crawled_at': w.fetched_at, 'title': l.title, 'score': f.score}
                ORDER BY f.score DESC, l.listing_key)[1:5] AS evidence,
           list(f.reason_summary ORDER BY f.score DESC, l.listing_key)[1] AS top_reasons
    FROM flag f JOIN listing l USING (listing_key) JOIN week_obs w USING (listing_key)
    GROUP BY l.seller_key
)
SELECT 'new_flagged_seller:' || $week || ':' || s.seller_key AS alert_key,
       'new_flagged_seller' AS kind, $week AS week, s.seller_key AS subject,
       NULL::VARCHAR AS drug_class, NULL::VARCHAR AS ship_from, NULL::VARCHAR AS ship_to,
       'New flagged seller ' || s.seller_key || ' (' || s.flagged_listings || ' flagged listing'
           || CASE WHEN s.flagged_listings = 1 THEN '' ELSE 's' END || ', top score ' || s.max_score || ')' AS headline,
       to_json({'first_flagged': s.first_flagged, 'max_score': s.max_score,
                'flagged_listings': s.flagged_listings, 'identity_id': m.identity_id,
                'other_accounts': list_filter(i.seller_keys, lambda k: k <> s.seller_key),
                'identity_markets': i.market_names, 'top_listing_reasons': e.top_reasons}) AS reasons,
       to_json(e.evidence) AS evidence,
       $rule_version AS rule_version
FROM new_sellers s
JOIN evidence e USING (seller_key)
LEFT JOIN seller_identity_member m USING (seller_key)
LEFT JOIN seller_identity i USING (identity_id)
ORDER BY s.max_score DESC, s.seller_key;
