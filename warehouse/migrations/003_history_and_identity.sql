-- Fields the NLP stage adds to entities.jsonl (all optional: absent fields load as NULL).
-- strength, quantity and contacts keep their JSON form: the staging view reads the shapes the
-- NLP stage may emit (number or {value, unit}; object of lists or list of {kind, value}).
ALTER TABLE raw_extracted ADD COLUMN title VARCHAR;
ALTER TABLE raw_extracted ADD COLUMN strength JSON;
ALTER TABLE raw_extracted ADD COLUMN quantity JSON;
ALTER TABLE raw_extracted ADD COLUMN unit_price DOUBLE;
ALTER TABLE raw_extracted ADD COLUMN price_usd DOUBLE;
ALTER TABLE raw_extracted ADD COLUMN contacts JSON;
ALTER TABLE raw_extracted ADD COLUMN pgp_fingerprints VARCHAR[];
ALTER TABLE raw_extracted ADD COLUMN crypto_addresses VARCHAR[];
ALTER TABLE raw_extracted ADD COLUMN ship_to_exclusions VARCHAR[];

-- The crawler's explicit delisting events (delisted.jsonl): a listing page that now says
-- "removed" or answers 404/410 where it used to be.
CREATE TABLE raw_delisted (
    market VARCHAR NOT NULL,
    crawl_date DATE NOT NULL,
    run_id VARCHAR,
    line_no INTEGER NOT NULL,
    listing_id VARCHAR NOT NULL,
    url VARCHAR,
    reason VARCHAR,
    detected_at TIMESTAMP
);

