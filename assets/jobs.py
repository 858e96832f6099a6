"""The two jobs: refresh seed files' partitions (then the database), or only rebuild the database."""

import dagster as dg

refresh_warehouse = dg.define_asset_job(
    "refresh_warehouse",
    selection=dg.AssetSelection.all(),
    description="Process a range of seed files' partitions and rebuild news.duckdb, in one run.",
)

rebuild_news_duckdb = dg.define_asset_job(
    "rebuild_news_duckdb",
    selection=dg.AssetSelection.assets("news_duckdb"),
    description="Drop the rows of deleted seed files and rebuild news.duckdb from the Parquet partitions.",
)
