"""Storage: Parquet partition files as the source of truth, and the DuckDB file built from them."""
