-- Drugs the latest extraction found in each crawled listing, one row per (listing, inn), with
-- strength and quantity (per drug when the NLP stage gives them per drug, else per listing).
CREATE OR REPLACE TABLE listing_drug AS
WITH ext AS (  -- the latest extraction of each listing that has a page
    SELECT e.* FROM int_extracted_latest e SEMI JOIN listing l USING (listing_key)
),
found AS (
    SELECT listing_key, market, listing_id, strength_text, quantity AS listing_quantity,
           unnest(json_transform(drugs, '[{"name": "VARCHAR", "inn": "VARCHAR", "class": "VARCHAR",
               "schedule_un": "VARCHAR", "schedule_us": "VARCHAR", "controlled": "BOOLEAN",
               "rx_only": "BOOLEAN", "strength": "VARCHAR", "quantity": "DOUBLE"}]'), recursive := true)
    FROM ext
)
SELECT f.listing_key, f.market, f.listing_id,
       lower(coalesce(f.inn, f.name)) AS inn,
       min(f.name) AS name_found,
       min(f."class") AS "class",
       min(f.schedule_un) AS schedule_un,
       min(f.schedule_us) AS schedule_us,
       coalesce(bool_or(f.controlled), false) AS controlled,
       coalesce(bool_or(f.rx_only), false) AS rx_only,
       coalesce(min(f.strength), min(f.strength_text)) AS strength,
       coalesce(min(f.quantity), min(f.listing_quantity)) AS quantity
FROM found f
WHERE coalesce(f.inn, f.name) IS NOT NULL
GROUP BY ALL
ORDER BY f.market, f.listing_id, inn;
