-- Incremental models (warehouse.models.INCREMENTAL) replace only the loaded partitions' rows.
-- model_state records the code each was last fully built with: a load whose model code, seeds
-- or rates differ from it rebuilds that model whole (a dbt --full-refresh, made automatic).
CREATE TABLE model_state (
    model VARCHAR PRIMARY KEY,
    digest VARCHAR NOT NULL,
    applied_at TIMESTAMP NOT NULL  -- when that code last built it whole
);
