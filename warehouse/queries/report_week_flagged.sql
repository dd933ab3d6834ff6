-- The flagged listings of `report_week` (report_week.sql, a temp table of the report session)
-- with what their latest observation of the week showed: route and page (URL-independent
-- evidence: SHA-256 and crawl time). Made once; the flag matrix, the country, drug and seller
-- tables and flagged.csv all read it.
SELECT w.listing_key, w.market, w.listing_id, w.score,
       o.ship_from, o.ship_to, o.page_sha256, o.fetched_at
FROM report_week w
JOIN listing_observation o ON o.listing_key = w.listing_key AND o.crawl_date = w.last_crawl
WHERE w.flagged AND o.crawl_date >= $start::DATE AND o.crawl_date < $end::DATE;
