-- Flagged listings observed in the report week with reasons and evidence (the page of that
-- week's latest crawl: URL, SHA-256, crawl time); `rank` 1 = highest score (then market,
-- listing id). The first $max_rows by rank (NULL = all: flagged.csv). Reads the report
-- session's temp table report_week_flagged (report_week_flagged.sql). Ranked on that narrow
-- table, so the HTML's 60 rows join 60 listings, not 160k.
-- No ORDER BY here: callers sort by rank where they use the rows (flagged.csv's COPY sorts its
-- own projection anyway; a sort here too cost 1.5 s on 160k wide rows).
WITH top AS (
    SELECT *, row_number() OVER (ORDER BY score DESC, market, listing_id) AS rank
    FROM report_week_flagged
    QUALIFY $max_rows::BIGINT IS NULL OR rank <= $max_rows::BIGINT
),
drugs AS (
    SELECT listing_key, list(inn ORDER BY inn) AS drugs
    FROM listing_drug SEMI JOIN top USING (listing_key)
    GROUP BY listing_key
)
SELECT f.listing_key, l.market, l.listing_id, l.title, l.description, l.seller, m.identity_id,
       d.drugs, l.price, l.currency, l.price_usd, s.ship_from, s.ship_to,
       f.score, f.reason_summary, f.reasons, f.rule_version, f.flagged_at,
       l.url, s.page_sha256, s.fetched_at AS crawled_at, s.rank
FROM top s
JOIN flag f USING (listing_key)
JOIN listing l USING (listing_key)
LEFT JOIN drugs d USING (listing_key)
LEFT JOIN seller_identity_member m ON m.seller_key = l.seller_key;
