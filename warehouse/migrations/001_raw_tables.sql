-- Raw tables mirror the staged files one row per staged line. market and crawl_date come
-- from the partition path, so deleting a partition's rows always matches what was inserted.
CREATE TABLE raw_listing (
    market VARCHAR NOT NULL,
    crawl_date DATE NOT NULL,
    run_id VARCHAR,
    line_no INTEGER NOT NULL,
    listing_id VARCHAR NOT NULL,
    url VARCHAR,
    fetched_at TIMESTAMP,
    http_status INTEGER,
    page_sha256 VARCHAR,
    warc_file VARCHAR,
    warc_record_offset BIGINT,
    text VARCHAR,
    fields JSON
);

CREATE TABLE raw_seller (
    market VARCHAR NOT NULL,
    crawl_date DATE NOT NULL,
    run_id VARCHAR,
    line_no INTEGER NOT NULL,
    handle VARCHAR NOT NULL,
    url VARCHAR,
    fetched_at TIMESTAMP,
    page_sha256 VARCHAR,
    warc_file VARCHAR,
    warc_record_offset BIGINT,
    fields JSON
);

CREATE TABLE raw_crawl_error (
    market VARCHAR NOT NULL,
    crawl_date DATE NOT NULL,
    run_id VARCHAR,
    line_no INTEGER NOT NULL,
    url VARCHAR,
    kind VARCHAR,
    status INTEGER,
    reason VARCHAR,
    attempts INTEGER,
    "at" TIMESTAMP
);

CREATE TABLE raw_crawl_stats (
    market VARCHAR NOT NULL,
    crawl_date DATE NOT NULL,
    run_id VARCHAR,
    started_at TIMESTAMP,
    finished_at TIMESTAMP,
    pages BIGINT,
    listings BIGINT,
    sellers BIGINT,
    errors BIGINT,
    bytes BIGINT,
    finish_reason VARCHAR
);

-- run_id is not in the extract record; the loader copies it from the partition's stats.json.
CREATE TABLE raw_extracted (
    market VARCHAR NOT NULL,
    crawl_date DATE NOT NULL,
    run_id VARCHAR,
    line_no INTEGER NOT NULL,
    id VARCHAR NOT NULL,
    listing_id VARCHAR NOT NULL,
    url VARCHAR,
    drugs JSON,
    seller VARCHAR,
    ship_from VARCHAR,
    ship_to VARCHAR[],
    price DOUBLE,
    currency VARCHAR,
    is_drug_listing BOOLEAN,
    language VARCHAR,
    nlp_version VARCHAR
);
