"""The two jobs: refresh seed files' partitions (then entities, events and the database), or only
resolve entities, code events and rebuild the database (after deletions).

Both run in one process: the graph is a chain (files, checks, database), so a process per step
would only add each step's start-up (importing Dagster and spaCy) to the time until new rows
are queryable.
"""

import dagster as dg

refresh_warehouse = dg.define_asset_job(
    "refresh_warehouse",
    selection=dg.AssetSelection.all(),
    executor_def=dg.in_process_executor,
    description="Process a range of seed files' partitions and rebuild news.duckdb, in one run.",
)

rebuild_news_duckdb = dg.define_asset_job(
    "rebuild_news_duckdb",
    selection=dg.AssetSelection.assets("entities", "entity_mentions", "events", "event_actors", "news_duckdb"),
    executor_def=dg.in_process_executor,
    description="Drop the rows of deleted seed files: resolve entities and code events again without "
    "them and rebuild news.duckdb from the Parquet files.",
)
