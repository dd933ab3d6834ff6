-- Seed: fixed reference rates to USD (seeds/fx_rate.csv); NLP-provided price_usd wins.
CREATE OR REPLACE TABLE fx_rate AS
SELECT currency, usd_per_unit
FROM read_csv({{seeds}} || '/fx_rate.csv', header = true,
              columns = {'currency': 'VARCHAR', 'usd_per_unit': 'DOUBLE'})
ORDER BY currency;
