-- Partition files: the raw rows of a prepared partition, and the incremental models' rows it
-- computed ahead, are no longer copied into the warehouse file. Each stays an immutable Parquet
-- file beside it (<warehouse stem>.parts/<table>/market=M/date=D/), registered here and read in
-- place (warehouse/partition_files.py). Rows loaded straight from staged files, and model rows
-- computed by the writer, are kept in tables of schema `store`. The names analysts and models
-- read (raw_listing, page, ...) become views: the store table UNION ALL the registered files.
CREATE SCHEMA store;

CREATE TABLE partition_file (
    tbl VARCHAR NOT NULL,          -- the view the file's rows belong to (raw_listing, page, ...)
    market VARCHAR NOT NULL,
    crawl_date DATE NOT NULL,
    path VARCHAR NOT NULL,         -- relative to the folder of the warehouse file
    rows BIGINT NOT NULL,
    sha256 VARCHAR NOT NULL,       -- of the file's bytes, as prepared
    registered_at TIMESTAMP NOT NULL
);

CREATE TABLE store.raw_listing AS SELECT * FROM raw_listing;
CREATE TABLE store.raw_seller AS SELECT * FROM raw_seller;
CREATE TABLE store.raw_crawl_error AS SELECT * FROM raw_crawl_error;
CREATE TABLE store.raw_crawl_stats AS SELECT * FROM raw_crawl_stats;
CREATE TABLE store.raw_extracted AS SELECT * FROM raw_extracted;
CREATE TABLE store.raw_delisted AS SELECT * FROM raw_delisted;
DROP TABLE raw_listing;
DROP TABLE raw_seller;
DROP TABLE raw_crawl_error;
DROP TABLE raw_crawl_stats;
DROP TABLE raw_extracted;
DROP TABLE raw_delisted;
CREATE VIEW raw_listing AS SELECT * FROM store.raw_listing;
CREATE VIEW raw_seller AS SELECT * FROM store.raw_seller;
CREATE VIEW raw_crawl_error AS SELECT * FROM store.raw_crawl_error;
CREATE VIEW raw_crawl_stats AS SELECT * FROM store.raw_crawl_stats;
CREATE VIEW raw_extracted AS SELECT * FROM store.raw_extracted;
CREATE VIEW raw_delisted AS SELECT * FROM store.raw_delisted;

-- CREATE TABLE AS keeps no constraint: the NOT NULL columns of 001 and 003 again.
ALTER TABLE store.raw_listing ALTER COLUMN market SET NOT NULL;
ALTER TABLE store.raw_listing ALTER COLUMN crawl_date SET NOT NULL;
ALTER TABLE store.raw_listing ALTER COLUMN line_no SET NOT NULL;
ALTER TABLE store.raw_listing ALTER COLUMN listing_id SET NOT NULL;
ALTER TABLE store.raw_seller ALTER COLUMN market SET NOT NULL;
ALTER TABLE store.raw_seller ALTER COLUMN crawl_date SET NOT NULL;
ALTER TABLE store.raw_seller ALTER COLUMN line_no SET NOT NULL;
ALTER TABLE store.raw_seller ALTER COLUMN handle SET NOT NULL;
ALTER TABLE store.raw_crawl_error ALTER COLUMN market SET NOT NULL;
ALTER TABLE store.raw_crawl_error ALTER COLUMN crawl_date SET NOT NULL;
ALTER TABLE store.raw_crawl_error ALTER COLUMN line_no SET NOT NULL;
ALTER TABLE store.raw_crawl_stats ALTER COLUMN market SET NOT NULL;
ALTER TABLE store.raw_crawl_stats ALTER COLUMN crawl_date SET NOT NULL;
ALTER TABLE store.raw_extracted ALTER COLUMN market SET NOT NULL;
ALTER TABLE store.raw_extracted ALTER COLUMN crawl_date SET NOT NULL;
ALTER TABLE store.raw_extracted ALTER COLUMN line_no SET NOT NULL;
ALTER TABLE store.raw_extracted ALTER COLUMN id SET NOT NULL;
ALTER TABLE store.raw_extracted ALTER COLUMN listing_id SET NOT NULL;
ALTER TABLE store.raw_delisted ALTER COLUMN market SET NOT NULL;
ALTER TABLE store.raw_delisted ALTER COLUMN crawl_date SET NOT NULL;
ALTER TABLE store.raw_delisted ALTER COLUMN line_no SET NOT NULL;
ALTER TABLE store.raw_delisted ALTER COLUMN listing_id SET NOT NULL;

-- The incremental models move to store too: the rebuild after this migration builds them whole.
DROP TABLE IF EXISTS page;
DROP TABLE IF EXISTS listing_observation;
DELETE FROM model_state WHERE model IN ('page', 'listing_observation');
