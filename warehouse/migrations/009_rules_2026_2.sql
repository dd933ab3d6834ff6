-- Rules 2026.2 (warehouse/rules/risk_rules.yaml): bulk_quantity gains `millilitres`, the bulk
-- threshold for syrups, whose quantity the NLP stage now gives in ml ("Lean 16oz" is 473 ml,
-- once read as 454 g, a bulk powder). A warehouse still scoring with the bootstrap rules of
-- migration 004 (2026.1) moves to 2026.2, so a fresh warehouse scores as the YAML says from its
-- first load; one whose rules were applied from another YAML version keeps them.
UPDATE risk_rule SET params = '{"units": 100, "grams": 28, "millilitres": 1000}'
WHERE rule_id = 'bulk_quantity' AND version = '2026.1';
INSERT INTO risk_rule_set
SELECT '2026.2', 'bootstrap', now()::TIMESTAMP, 'migration 009'
WHERE EXISTS (SELECT 1 FROM risk_rule WHERE version = '2026.1');
UPDATE risk_rule SET version = '2026.2' WHERE version = '2026.1';
