-- The week's alerts (weekly kinds raised for $week, fentanyl-class alerts of listings first seen
-- that week), most urgent kind first.
SELECT alert_key, kind, week, subject, drug_class, ship_from, ship_to, headline, reasons,
       evidence, rule_version, raised_at
FROM alert
WHERE week = $week
ORDER BY CASE kind WHEN 'fentanyl' THEN 0 WHEN 'spike' THEN 1 WHEN 'new_route' THEN 2 ELSE 3 END,
         alert_key;
