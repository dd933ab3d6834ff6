-- Drugs the latest extraction found in each crawled listing, one row per (listing, inn).
CREATE OR REPLACE TABLE listing_drug AS
WITH ext AS (
    SELECT market, listing_id, drugs FROM raw_extracted
    QUALIFY row_number() OVER (PARTITION BY market, listing_id
                               ORDER BY crawl_date DESC, line_no DESC) = 1
),
found AS (
    SELECT market, listing_id,
           unnest(json_transform(drugs, '[{"name": "VARCHAR", "inn": "VARCHAR", "class": "VARCHAR",
               "schedule_un": "VARCHAR", "schedule_us": "VARCHAR", "controlled": "BOOLEAN",
               "rx_only": "BOOLEAN"}]'), recursive := true)
    FROM ext
)
SELECT f.market || ':' || f.listing_id AS listing_key, f.market, f.listing_id,
       lower(coalesce(f.inn, f.name)) AS inn,
       min(f.name) AS name_found,
       min(f."class") AS "class",
       min(f.schedule_un) AS schedule_un,
       min(f.schedule_us) AS schedule_us,
       coalesce(bool_or(f.controlled), false) AS controlled,
       coalesce(bool_or(f.rx_only), false) AS rx_only
FROM found f
JOIN listing l ON l.market = f.market AND l.listing_id = f.listing_id
WHERE coalesce(f.inn, f.name) IS NOT NULL
GROUP BY ALL
ORDER BY f.market, f.listing_id, inn;
