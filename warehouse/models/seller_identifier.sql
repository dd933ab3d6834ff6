-- Identifiers each market account shows: PGP key, contact handles, crypto addresses. Read from
-- seller profiles (pgp_key, contact fields), the text of the account's listings, and what the
-- NLP stage extracted. Values are normalised so the same identifier compares equal anywhere.
CREATE OR REPLACE TABLE seller_identifier AS
WITH profile AS (
    SELECT seller_key, market, handle, pgp_key, contact_text AS text, 'profile' AS source
    FROM stg_seller
    QUALIFY row_number() OVER (PARTITION BY seller_key ORDER BY crawl_date DESC) = 1
),
listing_text AS (
    -- The latest page of each listing; its seller is the account that posted it.
    SELECT o.market || ':' || o.seller AS seller_key, o.market, o.seller AS handle, l.text
    FROM int_listing_latest l
    JOIN listing_observation o USING (listing_key, crawl_date)
    WHERE o.seller IS NOT NULL
),
texts AS (
    SELECT seller_key, market, handle, text, source FROM profile
    UNION ALL
    SELECT seller_key, market, handle, text, 'listing' FROM listing_text
),
pgp AS (
    -- Key digest: SHA-256 of the armoured body without headers, CRC24 checksum and whitespace,
    -- so re-wrapped or re-headered copies of one key compare equal.
    SELECT seller_key, market, handle, 'pgp' AS kind,
           upper(left(sha256(regexp_replace(regexp_replace(regexp_replace(
               regexp_extract(pgp_key, '(?s)-----BEGIN PGP PUBLIC KEY BLOCK-----(.*?)-----END PGP PUBLIC KEY BLOCK-----', 1),
               '(?s)^\s*[A-Za-z-]+:.*?(\s[A-Za-z0-9+/]{40,})', '\1'),
               '\s=[A-Za-z0-9+/]{4}\s*$', ''),
               '\s+', '', 'g')), 40)) AS value,
           source
    FROM profile
    WHERE pgp_key LIKE '%-----BEGIN PGP PUBLIC KEY BLOCK-----%-----END PGP PUBLIC KEY BLOCK-----%'
),
found AS (
    SELECT seller_key, market, handle, source,
           list_transform(regexp_extract_all(text, '[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}'),
                          lambda x: {'kind': 'email', 'value': lower(x)}) AS emails,
           list_transform(list_concat(
               regexp_extract_all(text, '(?i)\btelegram\s*:?\s*@([A-Za-z][A-Za-z0-9_]{3,31})', 1),
               regexp_extract_all(text, '(?i)\bt\.me/([A-Za-z][A-Za-z0-9_]{3,31})', 1)),
                          lambda x: {'kind': 'telegram', 'value': lower(x)}) AS telegrams,
           list_transform(regexp_extract_all(text, '(?i)\bwickr(?:\s*me)?\s*:?\s*@?([A-Za-z0-9_.-]{3,32})', 1),
                          lambda x: {'kind': 'wickr', 'value': lower(x)}) AS wickrs,
           list_transform(regexp_extract_all(text, '(?:^|[\s:(])(\+\d[\d .-]{6,18}\d)', 1),
                          lambda x: {'kind': 'phone', 'value': '+' || regexp_replace(x, '[^0-9]', '', 'g')}) AS phones,
           list_transform(list_concat(
               regexp_extract_all(text, '\b(bc1[a-z0-9]{25,62})\b', 1),
               regexp_extract_all(text, '\b([13][a-km-zA-HJ-NP-Z1-9]{25,34})\b', 1),
               regexp_extract_all(text, '\b(4[0-9AB][1-9A-HJ-NP-Za-km-z]{93})\b', 1),
               regexp_extract_all(text, '\b(0x[a-fA-F0-9]{40})\b', 1)),
                          lambda x: {'kind': 'crypto', 'value': x}) AS crypto
    FROM texts
    WHERE text IS NOT NULL
),
from_text AS (
    SELECT seller_key, market, handle, source,
           unnest(list_concat(emails, telegrams, wickrs, phones, crypto), recursive := true)
    FROM found
),
-- NLP contacts: an object of lists ({"telegram": ["x"], ...}) or a list of {kind, value}.
-- Every extraction of the account's listings (the last line of each, as stg_extracted keeps),
-- read from the raw rows: stg_extracted would also convert every price, for nothing here.
nlp AS (
    SELECT market || ':' || seller AS seller_key, market, seller AS handle, contacts,
           pgp_fingerprints, crypto_addresses
    FROM stg_extracted_line
    WHERE seller IS NOT NULL
),
nlp_contacts AS (
    SELECT seller_key, market, handle, 'nlp' AS source,
           lower(coalesce(c ->> '$.kind', c ->> '$.type', 'contact')) AS kind,
           coalesce(c ->> '$.value', c ->> '$.handle', c ->> '$') AS value
    FROM (SELECT *, unnest(json_extract(contacts, '$[*]')) AS c FROM nlp WHERE json_type(contacts) = 'ARRAY')
    UNION ALL
    SELECT seller_key, market, handle, 'nlp', lower(regexp_replace(k, 's$', '')), v
    FROM (
        SELECT seller_key, market, handle, k,
               unnest(CASE WHEN json_type(j) = 'ARRAY' THEN from_json(j, '["VARCHAR"]')
                           ELSE [j ->> '$'] END) AS v
        FROM (SELECT *, json_extract(contacts, '$."' || k || '"') AS j
              FROM (SELECT *, unnest(json_keys(contacts)) AS k FROM nlp WHERE json_type(contacts) = 'OBJECT'))
    )
),
nlp_other AS (
    SELECT seller_key, market, handle, 'nlp' AS source, 'pgp_fingerprint' AS kind,
           upper(regexp_replace(unnest(pgp_fingerprints), '\s', '', 'g')) AS value
    FROM nlp
    UNION ALL
    SELECT seller_key, market, handle, 'nlp', 'crypto', unnest(crypto_addresses) FROM nlp
),
-- Weak identifier: the country an account ships from. Never links alone (see seller_link).
ships AS (
    -- The account's main ship-from country (the most frequent over its observations).
    -- Ties go to the alphabetically first code, so reloads give identical rows.
    SELECT seller_key, market, handle, 'ship_from' AS kind, ship_from AS value, 'listing' AS source
    FROM (
        SELECT market || ':' || seller AS seller_key, market, seller AS handle, ship_from, count(*) AS n
        FROM listing_observation WHERE seller IS NOT NULL AND ship_from IS NOT NULL
        GROUP BY ALL
    )
    QUALIFY row_number() OVER (PARTITION BY seller_key ORDER BY n DESC, ship_from) = 1
    UNION ALL
    SELECT s.seller_key, s.market, s.handle, 'ship_from', c.code, 'profile'
    FROM stg_seller s JOIN country c ON lower(c.name) = lower(trim(s.fields ->> 'ships_from'))
),
everything AS (
    SELECT seller_key, market, handle, kind, value, source FROM pgp
    UNION ALL SELECT seller_key, market, handle, kind, value, source FROM ships
    UNION ALL SELECT seller_key, market, handle, kind, value, source FROM from_text
    UNION ALL SELECT seller_key, market, handle, kind,
                     CASE WHEN kind = 'crypto' THEN trim(value)
                          WHEN kind = 'phone' THEN '+' || regexp_replace(value, '[^0-9]', '', 'g')
                          ELSE lower(ltrim(trim(value), '@')) END, source
              FROM (SELECT * FROM nlp_contacts UNION ALL SELECT * FROM nlp_other)
)
SELECT seller_key, any_value(market) AS market, any_value(handle) AS handle, kind, value,
       list(DISTINCT source ORDER BY source) AS sources
FROM everything
WHERE value IS NOT NULL AND value <> '' AND value <> '+'
GROUP BY seller_key, kind, value
ORDER BY seller_key, kind, value;
