-- Staged lines that could not be loaded, kept verbatim with the reason so nothing is lost.
CREATE TABLE quarantine (
    market VARCHAR NOT NULL,
    crawl_date DATE NOT NULL,
    source_file VARCHAR NOT NULL,
    line_no INTEGER,
    reason VARCHAR NOT NULL,
    raw_line VARCHAR
);
