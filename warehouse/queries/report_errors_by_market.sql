-- Crawl errors per market and kind in the report period.
SELECT market, kind, count(*) AS errors, min(status) AS min_status, max(status) AS max_status
FROM crawl_error
WHERE crawl_date >= $start::DATE AND crawl_date < $end::DATE
GROUP BY market, kind
ORDER BY market, kind;
