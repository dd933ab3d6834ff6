-- Staged lines a later line of the same file replaced: a (listing, crawl) seen more than once,
-- with the highest line number, the one the staging views keep (the table macro kept_lines,
-- defined in stg_listing.sql, drops every line of the pair below it by an anti join on this
-- table; stg_listing, stg_extracted and seller_identifier read through it).
-- Incremental (models.INCREMENTAL): this file is the SELECT only. A repeat belongs to one
-- partition, so a load finds repeats in the partitions it loads, and prepare computes them
-- ahead; scanning all history for them took three aggregations of every raw line per load,
-- ~0.6 s at 1M observations. Usually empty: crawlers rarely write a listing twice.
SELECT 'raw_listing' AS tbl, market, crawl_date, listing_id, max(line_no) AS line_no
FROM raw_listing WHERE {{partitions}}
GROUP BY ALL HAVING count(*) > 1
UNION ALL
SELECT 'raw_extracted', market, crawl_date, listing_id, max(line_no)
FROM raw_extracted WHERE {{partitions}}
GROUP BY ALL HAVING count(*) > 1
ORDER BY tbl, market, crawl_date, listing_id
