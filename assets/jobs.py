"""The two jobs: refresh seed files' partitions (then entities, events and the database), or only
resolve entities, code events and rebuild the database (after deletions).

Both run in one process: the graph is a chain (files, checks, database), so a process per step
would only add each step's start-up (importing Dagster and spaCy) to the time until new rows
are queryable.
"""

import os

import dagster as dg

# A run over a range of partitions records one "materialization planned" event per asset, not one per
# asset and partition: with the SQLite instance each event costs some 10 ms, a minute per 1,000 files
# for the six per-file tables. (Dagster's trade-off: a failed run's partitions are not marked failed.)
# `make ui` exports it for the daemon, which creates the sensor's runs.
os.environ.setdefault("DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS", "1")

refresh_warehouse = dg.define_asset_job(
    "refresh_warehouse",
    selection=dg.AssetSelection.all(),
    executor_def=dg.in_process_executor,
    description="Process a range of seed files' partitions and rebuild news.duckdb, in one run.",
)

rebuild_news_duckdb = dg.define_asset_job(
    "rebuild_news_duckdb",
    selection=dg.AssetSelection.assets(
        "entities", "entity_mentions", "events", "event_actors", "news_duckdb", "briefing"
    ),
    executor_def=dg.in_process_executor,
    description="Drop the rows of deleted seed files: resolve entities and code events again without "
    "them, rebuild news.duckdb from the Parquet files and render the briefing again.",
)
