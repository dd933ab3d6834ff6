-- Staged lines held in quarantine in the report period, per market and kind of problem. The
-- quarantine table keeps every such line with its file, line number and exact reason.
SELECT market,
       CASE WHEN reason LIKE 'unknown country code%' THEN 'unknown country code'
            WHEN reason LIKE 'wrong type for field%' THEN 'a field of the wrong type'
            WHEN reason LIKE 'missing required field%' THEN 'a missing key'
            WHEN reason LIKE '%does not match partition' THEN 'belongs to another partition'
            WHEN reason LIKE 'id % is not %' THEN 'a malformed id'
            ELSE reason END AS problem,
       count(*) AS lines,
       count(DISTINCT source_file) AS files
FROM quarantine
WHERE crawl_date >= $start::DATE AND crawl_date < $end::DATE
GROUP BY ALL
ORDER BY market, lines DESC, problem;
