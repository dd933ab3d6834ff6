-- shelf_drugs (entities.jsonl, NLP contract): the INNs the market's category names, whatever the
-- listing's text names. A listing whose drugs and shelf differ sits on another drug's shelf
-- (mis-shelved by mistake, or for a busier shelf). NULL for extractions made before the field.
-- Partition files registered earlier lack the column and read NULL for it: the migration runner
-- writes the raw views again in this migration's transaction (warehouse.db._apply).
ALTER TABLE store.raw_extracted ADD COLUMN shelf_drugs VARCHAR[];
