-- Intermediate: the latest crawled page of each listing (one stg_listing row per listing_key).
-- listing, flag and seller_identifier read it; a rebuild computes it once into a temp table
-- (models.MATERIALISED). Found by a join on each listing's last crawl date: a row_number() or
-- arg_max over the wide rows (page text, description) cost many times more.
-- Its lines are picked before their fields are parsed (stg_listing_of).
CREATE OR REPLACE VIEW int_listing_latest_line AS
SELECT l.* FROM stg_listing_line l
SEMI JOIN (SELECT market, listing_id, max(crawl_date) AS crawl_date FROM listing_observation GROUP BY ALL) last
    USING (market, listing_id, crawl_date);
CREATE OR REPLACE VIEW int_listing_latest AS SELECT * FROM stg_listing_of(int_listing_latest_line);
