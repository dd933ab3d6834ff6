-- Alert candidates: spikes. Cell = (drug class, destination); count = distinct drug listings of
-- the class observed shipping there in the week. Baseline = mean of the $baseline_weeks weeks
-- before (every one of them must hold crawls). Test: one-sided exact Poisson,
-- p = P(X >= observed | lambda = max(baseline, $min_baseline)), computed as the upper-tail sum of
-- the Poisson pmf; alert when observed >= $min_count, observed > lambda and p < $alpha / m,
-- m = number of cells tested this week (Bonferroni). See docs/report.md.
WITH bins AS (
    SELECT o.listing_key,
           floor(datediff('day', $start::DATE, o.crawl_date) / 7)::INTEGER AS w,
           unnest(o.ship_to) AS ship_to
    FROM listing_observation o
    WHERE o.crawl_date >= $start::DATE - 7 * $baseline_weeks::INTEGER AND o.crawl_date < $end::DATE
),
weeks_held AS (   -- crawl dates only: a cheap column, no need to read the observations
    SELECT count(DISTINCT w) FILTER (WHERE w < 0) AS baseline_weeks_held,
           count(*) FILTER (WHERE w = 0) > 0 AS week_held
    FROM (SELECT DISTINCT floor(datediff('day', $start::DATE, crawl_date) / 7)::INTEGER AS w
          FROM listing_observation
          WHERE crawl_date >= $start::DATE - 7 * $baseline_weeks::INTEGER AND crawl_date < $end::DATE)
),
cls AS (
    SELECT DISTINCT listing_key, "class" AS drug_class FROM listing_drug WHERE "class" IS NOT NULL
),
-- One row per (listing, destination) with a bit per week it was seen there: the distinct count
-- per week then needs no hash table keyed by (listing, week), which was 3x slower at 10M.
per_listing AS (
    SELECT listing_key, ship_to, bit_or(1::BIGINT << (w + $baseline_weeks::INTEGER)) AS weeks
    FROM bins WHERE ship_to IS NOT NULL
    GROUP BY ALL
),
counts AS (   -- the small table the test runs on: (class, destination, week) -> listings
    SELECT c.drug_class, p.ship_to, u.w, count(*) AS n
    FROM per_listing p JOIN cls c USING (listing_key),
         unnest(range(-$baseline_weeks::INTEGER, 1)) u(w)
    WHERE (p.weeks >> (u.w + $baseline_weeks::INTEGER)) & 1 = 1
    GROUP BY ALL
),
cells AS (
    SELECT drug_class, ship_to,
           coalesce(sum(n) FILTER (WHERE w = 0), 0)::BIGINT AS observed,
           coalesce(sum(n) FILTER (WHERE w < 0), 0) / $baseline_weeks::DOUBLE AS baseline,
           list(n ORDER BY w) FILTER (WHERE w < 0) AS baseline_counts
    FROM counts GROUP BY ALL
),
tested AS (
    SELECT c.*, greatest(c.baseline, $min_baseline::DOUBLE) AS lam,
           count(*) OVER () AS m
    FROM cells c, weeks_held h
    WHERE h.week_held AND h.baseline_weeks_held = $baseline_weeks::INTEGER
),
scored AS (
    SELECT *,
           -- Upper tail of Poisson(lam) from `observed`, summed in log space (lgamma) so large
           -- counts neither overflow nor lose the tail to 1 - cdf cancellation.
           CASE WHEN observed = 0 THEN 1.0 ELSE least(1.0, list_sum(list_transform(
               range(observed, observed + greatest(500, (20 * sqrt(lam))::BIGINT)),
               lambda k: exp(-lam + k * ln(lam) - lgamma(k + 1))))) END AS p_value
    FROM tested
),
spikes AS (
    SELECT * FROM scored
    WHERE observed >= $min_count::INTEGER AND observed > lam AND p_value < $alpha::DOUBLE / m
),
cell_obs AS (   -- evidence: the spiking cells' listings only, each with its latest page there
    SELECT s.drug_class, s.ship_to, o.listing_key,
           -- a struct, as arg_max skips NULL values
           arg_max({'page_sha256': o.page_sha256, 'fetched_at': o.fetched_at}, o.crawl_date) AS latest
    FROM (SELECT listing_key, crawl_date, page_sha256, fetched_at, unnest(ship_to) AS ship_to
          FROM listing_observation
          WHERE crawl_date >= $start::DATE AND crawl_date < $end::DATE) o
    JOIN spikes s ON s.ship_to = o.ship_to
    JOIN cls c ON c.listing_key = o.listing_key AND c.drug_class = s.drug_class
    GROUP BY s.drug_class, s.ship_to, o.listing_key
    QUALIFY row_number() OVER (PARTITION BY s.drug_class, s.ship_to ORDER BY o.listing_key) <= 10
),
evidence AS (
    SELECT e.drug_class, e.ship_to,
           list({'listing_key': e.listing_key, 'url': l.url, 'page_sha256': e.latest.page_sha256,
                 'crawled_at': e.latest.fetched_at, 'title': l.title} ORDER BY e.listing_key) AS evidence
    FROM cell_obs e JOIN listing l USING (listing_key)
    GROUP BY ALL
)
SELECT 'spike:' || $week || ':' || s.drug_class || ':' || s.ship_to AS alert_key,
       'spike' AS kind, $week AS week, s.drug_class || ' -> ' || s.ship_to AS subject,
       s.drug_class, NULL::VARCHAR AS ship_from, s.ship_to,
       'Spike: ' || s.observed || ' ' || s.drug_class || ' listings to ' || s.ship_to
           || ' vs ' || round(s.baseline, 1) || '/week over the previous ' || $baseline_weeks || ' weeks' AS headline,
       to_json({'test': 'one-sided exact Poisson, Bonferroni', 'observed': s.observed,
                'baseline_mean': s.baseline, 'baseline_counts': s.baseline_counts, 'lambda': s.lam,
                'p_value': s.p_value, 'cells_tested': s.m, 'alpha': $alpha::DOUBLE,
                'threshold': $alpha::DOUBLE / s.m, 'min_count': $min_count::INTEGER}) AS reasons,
       to_json(e.evidence) AS evidence,
       $rule_version AS rule_version
FROM spikes s
LEFT JOIN evidence e USING (drug_class, ship_to)
ORDER BY s.p_value, s.drug_class, s.ship_to;
