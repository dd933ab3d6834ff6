-- Risk flags, explained. The rules in effect are the rows of `risk_rule` (weights, labels and
-- parameters from warehouse/rules/risk_rules.yaml, applied by warehouse.flags.apply_rules).
--
-- A listing is flagged when it is a drug listing and a drug rule fires: a controlled substance
-- (strictest schedules or other) or a prescription-only drug with no sign of a prescription
-- check. Then the context rules add their weight: "no prescription" claims, crypto-only
-- payment, stealth shipping, cross-border shipping, bulk quantities, a brand at a fraction of
-- its reference price, a seller on several markets, a new seller. Score = sum of the weights
-- of the rules that fired (each rule once), capped at 100. Every reason names its evidence:
-- the field, the text found and its [start, end) character offsets in that field, or the
-- linked seller account.
CREATE OR REPLACE TABLE flag AS
WITH rule AS (
    SELECT rule_id, weight, label, params, version FROM risk_rule
),
p AS (
    SELECT
        (SELECT from_json(params -> 'us', '["VARCHAR"]') FROM rule WHERE rule_id = 'controlled_schedule_high') AS high_us,
        (SELECT from_json(params -> 'un', '["VARCHAR"]') FROM rule WHERE rule_id = 'controlled_schedule_high') AS high_un,
        (SELECT (params ->> 'units')::DOUBLE FROM rule WHERE rule_id = 'bulk_quantity') AS bulk_units,
        (SELECT (params ->> 'grams')::DOUBLE FROM rule WHERE rule_id = 'bulk_quantity') AS bulk_grams,
        (SELECT (params ->> 'millilitres')::DOUBLE FROM rule WHERE rule_id = 'bulk_quantity') AS bulk_ml,
        (SELECT (params ->> 'max_ratio')::DOUBLE FROM rule WHERE rule_id = 'counterfeit_price') AS max_ratio,
        (SELECT params -> 'reference_unit_price_usd' FROM rule WHERE rule_id = 'counterfeit_price') AS ref_price,
        (SELECT (params ->> 'min_markets')::INTEGER FROM rule WHERE rule_id = 'multi_market_seller') AS min_markets,
        (SELECT (params ->> 'days')::INTEGER FROM rule WHERE rule_id = 'new_seller') AS new_days,
        (SELECT max(version) FROM rule) AS version
),
-- The latest page of each listing: the visible text the context rules search.
page AS (SELECT listing_key, text FROM int_listing_latest),
ext AS (SELECT listing_key, drugs, quantity_unit FROM int_extracted_latest),
-- Where NLP found each drug (name as written, offsets in the text it read).
drug_span AS (
    SELECT listing_key, lower(coalesce(d.inn, d.name)) AS inn, min(d.name) AS name,
           min(d."start") AS span_start, min(d."end") AS span_end
    FROM (SELECT listing_key, unnest(json_transform(drugs,
              '[{"name": "VARCHAR", "inn": "VARCHAR", "start": "INTEGER", "end": "INTEGER"}]')) AS d
          FROM ext)
    GROUP BY ALL
),
base AS (
    SELECT l.listing_key, l.market, l.listing_id, l.title, l.description, pg.text, l.currency,
           l.ship_from, l.ship_to, l.seller_key, l.unit_price_usd, l.first_seen, e.quantity_unit
    FROM listing l
    LEFT JOIN page pg USING (listing_key)
    LEFT JOIN ext e USING (listing_key)
    WHERE coalesce(l.is_drug_listing, true)
),
drug_hit AS (
    SELECT b.listing_key, d.inn, d."class", d.controlled, d.rx_only, d.schedule_us, d.schedule_un,
           d.quantity, coalesce(s.name, d.name_found, d.inn) AS name_found, s.span_start, s.span_end,
           CASE
               WHEN d.controlled AND (list_contains(p.high_us, d.schedule_us)
                                      OR list_contains(p.high_un, d.schedule_un)) THEN 'controlled_schedule_high'
               WHEN d.controlled THEN 'controlled_other'
               WHEN d.rx_only AND NOT regexp_matches(concat_ws(' ', b.title, b.description, b.text),
                                                     coalesce({{rule:rx_without_prescription.prescription_checked}}, '$^')) THEN 'rx_without_prescription'
           END AS rule_id
    FROM base b
    JOIN listing_drug d USING (listing_key)
    LEFT JOIN drug_span s ON s.listing_key = d.listing_key AND s.inn = d.inn
    CROSS JOIN p
),
flagged AS (
    SELECT DISTINCT h.listing_key FROM drug_hit h JOIN rule r USING (rule_id)
),
b AS (
    SELECT b.* FROM base b JOIN flagged USING (listing_key)
),
-- A text rule's evidence: the first field (title, description, page text) where the pattern
-- matches, the matched text and its offsets in that field.
text_field AS (
    SELECT listing_key, 'title' AS field, 1 AS field_order, title AS value FROM b
    UNION ALL SELECT listing_key, 'description', 2, description FROM b
    UNION ALL SELECT listing_key, 'text', 3, text FROM b
),
text_hit AS (
    SELECT listing_key, rule_id, field, m AS evidence,
           strpos(value, m) - 1 AS span_start, strpos(value, m) - 1 + length(m) AS span_end
    -- One branch per rule so each pattern is a constant (compiled once, not per row).
    FROM (
        SELECT listing_key, field, field_order, value, 'no_prescription_claim' AS rule_id,
               regexp_extract(value, {{rule:no_prescription_claim.pattern}}) AS m
        FROM text_field WHERE regexp_matches(value, {{rule:no_prescription_claim.pattern}})
        UNION ALL
        SELECT listing_key, field, field_order, value, 'stealth_shipping',
               regexp_extract(value, {{rule:stealth_shipping.pattern}})
        FROM text_field WHERE regexp_matches(value, {{rule:stealth_shipping.pattern}})
        UNION ALL
        SELECT listing_key, field, field_order, value, 'crypto_only_payment',
               regexp_extract(value, {{rule:crypto_only_payment.crypto}})
        FROM text_field WHERE regexp_matches(value, {{rule:crypto_only_payment.crypto}})
    )
    QUALIFY row_number() OVER (PARTITION BY listing_key, rule_id ORDER BY field_order) = 1
),
hit AS (
    -- Drug rules: one reason per drug.
    SELECT h.listing_key, h.rule_id,
           CASE WHEN h.rule_id = 'rx_without_prescription' THEN 'prescription-only: ' || h.inn
                ELSE 'controlled substance: ' || h.inn || coalesce(' (' || nullif(concat_ws(', ',
                     'US CSA ' || h.schedule_us, 'UN ' || h.schedule_un), '') || ')', '') END AS detail,
           'drugs' AS field, h.name_found AS evidence, h.span_start, h.span_end, NULL AS seller_key,
           h.inn AS sort_key
    FROM drug_hit h JOIN flagged USING (listing_key)
    WHERE h.rule_id IS NOT NULL
    UNION ALL
    -- Crypto only counts when no other way to pay is offered anywhere on the page.
    SELECT t.listing_key, t.rule_id,
           CASE t.rule_id WHEN 'no_prescription_claim' THEN 'claims no prescription is needed'
                          WHEN 'stealth_shipping' THEN 'promises stealth or discreet shipping'
                          ELSE 'accepts only cryptocurrency' END,
           t.field, t.evidence, t.span_start, t.span_end, NULL, t.field
    FROM text_hit t JOIN b USING (listing_key) CROSS JOIN p
    WHERE t.rule_id <> 'crypto_only_payment'
       OR NOT regexp_matches(concat_ws(' ', b.title, b.description, b.text), coalesce({{rule:crypto_only_payment.other}}, '$^'))
    UNION ALL
    SELECT listing_key, 'crypto_only_payment', 'priced only in cryptocurrency', 'currency', currency,
           NULL, NULL, NULL, 'currency'
    FROM b WHERE upper(currency) IN ('BTC', 'XMR', 'LTC', 'ETH')
    UNION ALL
    SELECT listing_key, 'cross_border',
           'ships from ' || ship_from || ' to ' || array_to_string(list_filter(ship_to, lambda t: t <> ship_from), ', '),
           'ship_to', ship_from || ' -> ' || array_to_string(ship_to, ', '), NULL, NULL, NULL, 'route'
    FROM b WHERE ship_from IS NOT NULL AND len(list_filter(ship_to, lambda t: t <> ship_from)) > 0
    UNION ALL
    SELECT h.listing_key, 'bulk_quantity',
           'bulk quantity of ' || h.inn || ': ' || h.quantity || coalesce(' ' || b.quantity_unit, ' units'),
           'quantity', h.quantity::VARCHAR || coalesce(' ' || b.quantity_unit, ''), NULL, NULL, NULL, h.inn
    FROM drug_hit h JOIN b USING (listing_key) CROSS JOIN p
    WHERE CASE WHEN lower(b.quantity_unit) IN ('g', 'gram', 'grams') THEN h.quantity >= p.bulk_grams
               -- rules of 2026.1 had no millilitres: no bulk syrup rather than 1 ml = 1 unit
               WHEN lower(b.quantity_unit) = 'ml' THEN h.quantity >= coalesce(p.bulk_ml, 'infinity'::DOUBLE)
               ELSE h.quantity >= p.bulk_units END
    UNION ALL
    -- A brand (a name other than the INN) at a fraction of the genuine product's unit price;
    -- the references are prices of one pill, so only packs counted in units (not grams or ml).
    SELECT h.listing_key, 'counterfeit_price',
           h.name_found || ' at ' || round(b.unit_price_usd, 2) || ' USD/unit, reference '
               || (p.ref_price ->> h.inn) || ' USD/unit',
           'price', round(b.unit_price_usd, 2)::VARCHAR || ' USD/unit', h.span_start, h.span_end, NULL, h.inn
    FROM drug_hit h JOIN b USING (listing_key) CROSS JOIN p
    WHERE lower(h.name_found) <> h.inn AND (p.ref_price ->> h.inn) IS NOT NULL
      AND coalesce(lower(b.quantity_unit), 'unit') = 'unit'
      AND b.unit_price_usd < p.max_ratio * (p.ref_price ->> h.inn)::DOUBLE
    UNION ALL
    SELECT b.listing_key, 'multi_market_seller',
           'seller ' || b.seller_key || ' is one of ' || i.accounts || ' accounts on ' || i.markets
               || ' markets (' || array_to_string(i.market_names, ', ') || ')',
           'seller', array_to_string(i.seller_keys, ', '), NULL, NULL, b.seller_key, b.seller_key
    FROM b
    JOIN seller_identity_member m ON m.seller_key = b.seller_key
    JOIN seller_identity i USING (identity_id)
    CROSS JOIN p
    WHERE i.markets >= p.min_markets
    UNION ALL
    -- New: first seen within the last N days of the market's crawls, and after its first crawl
    -- (on a market's first crawl every seller is "new", which says nothing).
    SELECT b.listing_key, 'new_seller', 'seller ' || b.seller_key || ' first seen ' || s.first_seen::DATE,
           'seller', b.seller_key, NULL, NULL, b.seller_key, b.seller_key
    FROM b
    JOIN seller s ON s.seller_key = b.seller_key
    JOIN (SELECT market, min(fetched_at) AS first_crawl, max(fetched_at) AS last_crawl
          FROM listing_observation GROUP BY market) mk ON mk.market = b.market
    CROSS JOIN p
    WHERE s.first_seen::DATE > mk.first_crawl::DATE
      AND s.first_seen >= mk.last_crawl - to_days(p.new_days)
),
-- Each rule scores once per listing: its first reason (by sort key) carries the weight, the
-- others 0. One window numbers the reasons by weight, rule and sort key; the list puts the
-- scoring reasons first, then the rest, each part in that order (points DESC, weight DESC,
-- rule, sort key). A second window to number the scoring reasons cost 0.3 s at 1M observations.
scored AS (
    SELECT *, CASE WHEN first_of_rule THEN weight ELSE 0 END AS points,
           o + CASE WHEN first_of_rule AND weight > 0 THEN 0 ELSE 1000000000 END AS reason_order
    FROM (SELECT h.*, r.weight, r.label,
                 lag(h.rule_id) OVER w IS DISTINCT FROM h.rule_id AS first_of_rule,
                 row_number() OVER w AS o
          FROM hit h JOIN rule r USING (rule_id)
          WINDOW w AS (PARTITION BY h.listing_key
                       ORDER BY r.weight DESC, h.rule_id, h.sort_key, h.detail, h.evidence))
),
-- When the listing was first seen offering a flaggable drug: stable across reloads.
first_flaggable AS (
    SELECT listing_key, min(coalesce(fetched_at, crawl_date::TIMESTAMP)) AS flagged_at
    FROM listing_observation
    WHERE controlled_or_rx
    GROUP BY ALL
),
-- Reasons in order: numbered by the window above, then sorted inside the list. An ordered
-- list() aggregate of these structs cost twice as much (DuckDB sorts each group's wide rows).
ranked AS (
    SELECT listing_key, sum(points) AS points,
           list_transform(list_sort(list({'o': reason_order, 'r': {
               'rule': rule_id, 'points': points, 'label': label, 'detail': detail, 'field': field,
               'evidence': evidence, 'start': span_start, 'end': span_end, 'seller_key': seller_key}})),
               lambda x: x.r) AS reasons
    FROM scored
    GROUP BY listing_key
)
SELECT l.listing_key, l.market, l.listing_id,
       least(100, r.points)::INTEGER AS score,
       r.reasons,
       nullif(array_to_string(list_filter(list_transform(r.reasons, lambda x: x.detail),
                                          lambda d: d IS NOT NULL), '; '), '') AS reason_summary,
       p.version AS rule_version,
       coalesce(ff.flagged_at, l.first_seen) AS flagged_at
FROM ranked r
JOIN listing l USING (listing_key)
CROSS JOIN p
LEFT JOIN first_flaggable ff USING (listing_key)
ORDER BY l.listing_key;
