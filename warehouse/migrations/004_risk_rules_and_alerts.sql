-- Risk rules in effect (the YAML in warehouse/rules/, applied by warehouse.flags.apply_rules),
-- stored alerts and the deliveries made, so nothing is ever sent twice.

-- One row per rule of the rule set last applied. `flag` is rebuilt from these rows, so a load
-- scores with the rules in effect; re-scoring with a new YAML replaces them in one transaction.
CREATE TABLE risk_rule (
    rule_id VARCHAR PRIMARY KEY,
    version VARCHAR NOT NULL,
    weight INTEGER NOT NULL,
    label VARCHAR NOT NULL,
    params JSON
);

-- Every rule set ever applied (the YAML text itself), so a flag's rule_version can be read back.
CREATE TABLE risk_rule_set (
    version VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    applied_at TIMESTAMP NOT NULL,
    source VARCHAR NOT NULL,
    PRIMARY KEY (version, sha256)
);

-- Bootstrap: the first rule set (version 2026.1 of warehouse/rules/risk_rules.yaml), so the
-- first load of a fresh warehouse already scores. Later versions come from the YAML only.
INSERT INTO risk_rule VALUES
    ('controlled_schedule_high', '2026.1', 40, 'controlled substance, strictest schedule', '{"us": ["I", "II"], "un": ["1961-I", "1971-I", "1971-II"]}'),
    ('controlled_other', '2026.1', 25, 'controlled substance', '{}'),
    ('rx_without_prescription', '2026.1', 15, 'prescription-only drug offered without a prescription check', '{"prescription_checked": "(?i)(valid|upload|send|require[sd]?|need)s?\\s+(your\\s+|a\\s+)?(prescription|rx)\\b|prescription\\s+(is\\s+)?required"}'),
    ('no_prescription_claim', '2026.1', 15, '"no prescription needed" claim', '{"pattern": "(?i)\\b(no\\s+(prescription|rx|script|doctor)s?(\\s+(needed|required))?|without\\s+(a\\s+)?(prescription|rx)|prescription\\s+not\\s+(needed|required)|ohne\\s+rezept|sans\\s+ordonnance|sin\\s+receta)\\b"}'),
    ('crypto_only_payment', '2026.1', 10, 'crypto-only payment', '{"crypto": "(?i)\\b(bitcoin|btc|monero|xmr|litecoin|ltc|crypto(currency)?)\\b", "other": "(?i)\\b(visa|mastercard|credit\\s+card|paypal|bank\\s+transfer|sepa|western\\s+union|cash\\s+on\\s+delivery)\\b"}'),
    ('stealth_shipping', '2026.1', 10, 'stealth or discreet shipping', '{"pattern": "(?i)\\b(stealth|discreet|discrete|vacuum[\\s-]*seal(ed)?|mylar|diskret|discret|discreto|neutral\\s+packag\\w*)\\b"}'),
    ('cross_border', '2026.1', 10, 'ships across a border', '{}'),
    ('bulk_quantity', '2026.1', 10, 'bulk quantity', '{"units": 100, "grams": 28}'),
    ('counterfeit_price', '2026.1', 15, 'brand name far below its reference price', '{"max_ratio": 0.3, "reference_unit_price_usd": {"sildenafil": 12.0, "tadalafil": 14.0, "alprazolam": 3.0, "diazepam": 1.5, "clonazepam": 2.0, "oxycodone": 12.0, "tramadol": 1.2, "zolpidem": 2.5, "modafinil": 10.0, "methylphenidate": 3.0, "amphetamine": 6.0, "isotretinoin": 3.5, "finasteride": 1.5, "pregabalin": 1.0, "carisoprodol": 2.0, "codeine": 1.0, "buprenorphine": 6.0}}'),
    ('multi_market_seller', '2026.1', 10, 'seller active on several markets', '{"min_markets": 2}'),
    ('new_seller', '2026.1', 5, 'new seller', '{"days": 14}');

INSERT INTO risk_rule_set VALUES ('2026.1', 'bootstrap', now()::TIMESTAMP, 'migration 004');

-- Alerts: one row per alert ever raised; alert_key is deterministic (kind + subject + week), so
-- raising the same alert again is a no-op (INSERT ... ON CONFLICT DO NOTHING).
CREATE TABLE alert (
    alert_key VARCHAR PRIMARY KEY,
    kind VARCHAR NOT NULL,            -- new_flagged_seller | spike | new_route | fentanyl
    week VARCHAR NOT NULL,            -- ISO week the alert belongs to (YYYY-Www)
    subject VARCHAR NOT NULL,         -- seller key, listing key, or class/country cell
    drug_class VARCHAR,
    ship_from VARCHAR,
    ship_to VARCHAR,
    headline VARCHAR NOT NULL,
    reasons JSON NOT NULL,            -- why: the test statistic, the rule hits, the first sighting
    evidence JSON NOT NULL,           -- listings: key, URL, page SHA-256, crawl time
    rule_version VARCHAR,
    raised_at TIMESTAMP NOT NULL
);

-- One row per alert per channel once it went out ('immediate' e-mail or the weekly report).
CREATE TABLE alert_delivery (
    alert_key VARCHAR NOT NULL,
    channel VARCHAR NOT NULL,
    recipients VARCHAR NOT NULL,
    message_id VARCHAR,
    sent_at TIMESTAMP NOT NULL,
    PRIMARY KEY (alert_key, channel)
);

-- One row per weekly report e-mailed: a rerun of the Monday job for the same week sends nothing.
CREATE TABLE report_delivery (
    week VARCHAR PRIMARY KEY,
    recipients VARCHAR NOT NULL,
    message_id VARCHAR,
    html_sha256 VARCHAR NOT NULL,
    sent_at TIMESTAMP NOT NULL
);
