-- Seed: dated reference rates to USD, from the curated table the NLP stage converts with
-- (nlp/data/rates.csv, with its sources), so a price reads the same in both stages. A rate holds
-- from its date until the currency's next one. NLP-provided price_usd wins (stg_extracted).
CREATE OR REPLACE TABLE fx_rate AS
SELECT currency, "date" AS valid_from, usd AS usd_per_unit, source
FROM read_csv({{rates}}, header = true,
              columns = {'date': 'DATE', 'currency': 'VARCHAR', 'usd': 'DOUBLE', 'source': 'VARCHAR'})
ORDER BY currency, valid_from;
