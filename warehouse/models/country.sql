-- Seed: ISO 3166-1 alpha-2 codes with names and regions, plus EU and WW (seeds/country.csv).
CREATE OR REPLACE TABLE country AS
SELECT code, name, region
FROM read_csv({{seeds}} || '/country.csv', header = true,
              columns = {'code': 'VARCHAR', 'name': 'VARCHAR', 'region': 'VARCHAR'})
ORDER BY code;
