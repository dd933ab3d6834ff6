"""DuckDB warehouse: migrations, bulk loads of staged partitions, SQL models, flags, queries."""
