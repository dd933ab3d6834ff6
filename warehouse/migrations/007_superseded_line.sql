-- superseded_line (warehouse/models/superseded_line.sql): the repeated staged lines of each
-- partition, an incremental model like page and listing_observation, which the staging views
-- read instead of aggregating every raw line of history on each load. It exists before its
-- first build (empty) because the staging views, and prepare's scratch warehouse, bind to it.
CREATE TABLE store.superseded_line (
    tbl VARCHAR NOT NULL,          -- raw_listing or raw_extracted
    market VARCHAR NOT NULL,
    crawl_date DATE NOT NULL,
    listing_id VARCHAR NOT NULL,
    line_no INTEGER NOT NULL       -- the line kept; lower lines of the pair are superseded
);
CREATE VIEW superseded_line AS SELECT * FROM store.superseded_line;
