-- Intermediate: the latest crawled page of each listing (one stg_listing row per listing_key).
-- listing, flag and seller_identifier read it; a rebuild computes it once into a temp table
-- (models.MATERIALISED). Found by a join on each listing's last crawl date: a row_number() or
-- arg_max over the wide rows (page text, description) cost many times more.
CREATE OR REPLACE VIEW int_listing_latest AS
SELECT l.* FROM stg_listing l
SEMI JOIN (SELECT listing_key, max(crawl_date) AS crawl_date FROM listing_observation GROUP BY ALL) last
    USING (listing_key, crawl_date);
