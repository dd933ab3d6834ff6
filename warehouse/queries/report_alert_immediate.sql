-- Alert candidates raised at once, not weekly: any listing offering fentanyl, an analogue or a
-- nitazene ($inn_pattern over the INNs found), whether or not another rule fired. The alert's
-- week is the week the listing was first seen; one alert per listing, ever.
WITH hits AS (
    SELECT d.listing_key, list(DISTINCT d.inn ORDER BY d.inn) AS inns, min(d."class") AS drug_class
    FROM listing_drug d
    WHERE regexp_matches(d.inn, $inn_pattern)
    GROUP BY d.listing_key
)
SELECT 'fentanyl:' || l.listing_key AS alert_key, 'fentanyl' AS kind,
       strftime(l.first_seen, '%G-W%V') AS week, l.listing_key AS subject,
       h.drug_class, l.ship_from, array_to_string(l.ship_to, ',') AS ship_to,
       'Fentanyl-class listing: ' || array_to_string(h.inns, ', ') || ' on ' || l.market
           || coalesce(' by ' || l.seller, '') AS headline,
       to_json({'inns': h.inns, 'score': f.score, 'rules': f.reason_summary,
                'first_seen': l.first_seen}) AS reasons,
       to_json([{'listing_key': l.listing_key, 'url': l.url, 'page_sha256': l.page_sha256,
                 'crawled_at': l.last_seen, 'title': l.title}]) AS evidence,
       $rule_version AS rule_version
FROM hits h
JOIN listing l USING (listing_key)
LEFT JOIN flag f USING (listing_key)
ORDER BY l.listing_key;
