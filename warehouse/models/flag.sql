-- Flag rules, version 0.1: a listing is flagged when it offers a controlled or a
-- prescription-only drug. Score = strongest drug (UN/US schedule I-II 90, other controlled 70,
-- prescription-only 40) + 5 per further flagged drug, capped at 100.
CREATE OR REPLACE TABLE flag AS
WITH rated AS (
    SELECT listing_key, inn,
           CASE
               WHEN controlled AND (schedule_us IN ('I', 'II')
                                    OR schedule_un IN ('1961-I', '1971-I', '1971-II')) THEN 90
               WHEN controlled THEN 70
               ELSE 40
           END AS drug_score,
           CASE
               WHEN controlled THEN 'controlled substance: ' || inn || coalesce(' (' || nullif(
                   concat_ws(', ', 'US CSA ' || schedule_us, 'UN ' || schedule_un), '') || ')', '')
               ELSE 'prescription-only: ' || inn
           END AS reason
    FROM listing_drug
    WHERE controlled OR rx_only
),
-- When the listing was first seen offering a flaggable drug: stable across reloads.
first_flaggable AS (
    SELECT e.market || ':' || e.listing_id AS listing_key,
           min(coalesce(r.fetched_at, e.crawl_date::TIMESTAMP)) AS flagged_at
    FROM raw_extracted e
    LEFT JOIN raw_listing r
        ON r.market = e.market AND r.listing_id = e.listing_id AND r.crawl_date = e.crawl_date
    WHERE list_bool_or(list_transform(
        json_transform(e.drugs, '[{"controlled": "BOOLEAN", "rx_only": "BOOLEAN"}]'),
        lambda d: coalesce(d.controlled, false) OR coalesce(d.rx_only, false)))
    GROUP BY ALL
)
SELECT l.listing_key, l.market, l.listing_id,
       least(100, max(r.drug_score) + 5 * (count(*) - 1))::INTEGER AS score,
       list(r.reason ORDER BY r.drug_score DESC, r.inn) AS reasons,
       '0.1' AS rule_version,
       coalesce(ff.flagged_at, l.first_seen) AS flagged_at
FROM rated r
JOIN listing l USING (listing_key)
LEFT JOIN first_flaggable ff USING (listing_key)
WHERE coalesce(l.is_drug_listing, true)
GROUP BY ALL
ORDER BY l.listing_key;
