-- Drugs seen in any listing: INN, class and schedules (the smallest value when NLP versions
-- disagree, so reloads are deterministic).
CREATE OR REPLACE TABLE drug AS
SELECT inn, min("class") AS "class", min(schedule_un) AS schedule_un, min(schedule_us) AS schedule_us,
       bool_or(controlled) AS controlled, bool_or(rx_only) AS rx_only,
       count(DISTINCT listing_key) AS listings
FROM listing_drug
GROUP BY inn
ORDER BY inn;
