-- Staging: one profile per (market, handle, crawl).
CREATE OR REPLACE VIEW stg_seller AS
SELECT market || ':' || handle AS seller_key, market, handle, crawl_date, run_id, url, fetched_at,
       page_sha256, warc_file, warc_record_offset,
       fields ->> 'pgp_key' AS pgp_key,
       concat_ws(' ', fields ->> 'contact', fields ->> 'contacts', fields ->> 'about') AS contact_text,
       fields, line_no
FROM raw_seller
QUALIFY row_number() OVER (PARTITION BY market, handle, crawl_date ORDER BY line_no DESC) = 1;
