-- Intermediate: the latest extraction of each listing (one stg_extracted row per listing_key),
-- on whatever crawl date the NLP stage last read it. listing, listing_drug and flag read it; a
-- rebuild computes it once into a temp table (models.MATERIALISED).
-- Its lines are picked before they are converted (stg_extracted_of).
CREATE OR REPLACE VIEW int_extracted_latest_line AS
SELECT e.* FROM stg_extracted_line e
SEMI JOIN (SELECT market, listing_id, max(crawl_date) AS crawl_date FROM raw_extracted GROUP BY ALL) last
    USING (market, listing_id, crawl_date);
CREATE OR REPLACE VIEW int_extracted_latest AS SELECT * FROM stg_extracted_of(int_extracted_latest_line);
