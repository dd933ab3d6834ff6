-- Alert candidates: new routes. A (ship-from, ship-to, drug class) observed in the week
-- [$start, $end) and never before it. Only raised when the warehouse holds earlier crawls
-- (in the first week held, every route would be "new").
-- Cost: history is most of listing_observation, so it is asked as little as possible. A week
-- route seen in the week before is not new (nearly all of them); only the others are looked up
-- in older weeks, and that lookup reads only the observations of their origins (ship_from).
-- At 10M observations: 1-1.6 s instead of 6-18 s for scanning and grouping all history.
WITH cls AS (
    SELECT DISTINCT listing_key, "class" AS drug_class FROM listing_drug WHERE "class" IS NOT NULL
),
week_all AS (    -- the week only: the crawl_date filter skips older row groups
    SELECT o.listing_key, o.crawl_date, o.ship_from, o.page_sha256, o.fetched_at,
           unnest(coalesce(o.ship_to, [])) AS ship_to
    FROM listing_observation o
    WHERE o.crawl_date >= $start::DATE AND o.crawl_date < $end::DATE AND o.ship_from IS NOT NULL
),
week_obs AS (    -- evidence: the week's latest observation of each listing and destination
    SELECT * FROM week_all
    QUALIFY row_number() OVER (PARTITION BY listing_key, ship_to ORDER BY crawl_date DESC) = 1
),
week_routes AS (
    SELECT w.ship_from, w.ship_to, c.drug_class, min(w.crawl_date) AS first_date
    FROM week_all w JOIN cls c USING (listing_key)
    WHERE w.ship_to <> w.ship_from
    GROUP BY ALL
),
before AS NOT MATERIALIZED (   -- routes observed before the week, defined once and read twice
                               -- below, each time with its own date range (pushed to the scan)
    SELECT o.crawl_date, o.ship_from, o.ship_to, c.drug_class
    FROM (SELECT listing_key, crawl_date, ship_from, unnest(coalesce(ship_to, [])) AS ship_to
          FROM listing_observation
          WHERE crawl_date < $start::DATE AND ship_from IS NOT NULL) o
    JOIN cls c USING (listing_key)
),
last_week AS (
    SELECT DISTINCT ship_from, ship_to, drug_class FROM before WHERE crawl_date >= $start::DATE - 7
),
unexplained AS (
    SELECT * FROM week_routes r
    WHERE NOT EXISTS (SELECT 1 FROM last_week p WHERE p.ship_from = r.ship_from AND p.ship_to = r.ship_to
                                                  AND p.drug_class = r.drug_class)
),
older AS (
    SELECT DISTINCT ship_from, ship_to, drug_class FROM before
    WHERE crawl_date < $start::DATE - 7 AND ship_from IN (SELECT DISTINCT ship_from FROM unexplained)
),
routes AS (
    SELECT * FROM unexplained r
    WHERE NOT EXISTS (SELECT 1 FROM older p WHERE p.ship_from = r.ship_from AND p.ship_to = r.ship_to
                                              AND p.drug_class = r.drug_class)
),
history AS (
    SELECT count(*) > 0 AS held FROM listing_observation WHERE crawl_date < $start::DATE
)
SELECT 'new_route:' || $week || ':' || r.ship_from || ':' || r.ship_to || ':' || r.drug_class AS alert_key,
       'new_route' AS kind, $week AS week,
       r.ship_from || ' -> ' || r.ship_to || ' (' || r.drug_class || ')' AS subject,
       r.drug_class, r.ship_from, r.ship_to,
       'New route: ' || r.drug_class || ' from ' || r.ship_from || ' to ' || r.ship_to AS headline,
       to_json({'first_seen': r.first_date, 'never_seen_before': $start::DATE}) AS reasons,
       to_json((SELECT list({'listing_key': o.listing_key, 'url': l.url, 'page_sha256': o.page_sha256,
                             'crawled_at': o.fetched_at, 'title': l.title} ORDER BY o.listing_key)[1:10]
                FROM week_obs o JOIN cls c USING (listing_key) JOIN listing l USING (listing_key)
                WHERE o.ship_from = r.ship_from AND o.ship_to = r.ship_to AND c.drug_class = r.drug_class)) AS evidence,
       $rule_version AS rule_version
FROM routes r, history h
WHERE h.held
ORDER BY r.drug_class, r.ship_from, r.ship_to;
