-- Accounts first seen in the latest ISO week, and whether their real-world seller was known.
SELECT * FROM new_sellers_this_week ORDER BY market, handle;
