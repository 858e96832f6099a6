"""The `Definitions` that `workspace.yaml`, `dg dev` and `make run` load."""

import dagster as dg

from assets import checks
from assets.briefing import briefing
from assets.database import news_duckdb
from assets.documents import seed_documents
from assets.entities import resolved_entities
from assets.events import coded_events
from assets.jobs import rebuild_news_duckdb, refresh_warehouse
from assets.resources import (
    EntityRecognizer,
    SeedsFolder,
    Warehouse,
    entity_recognizer_from_env,
    seeds_folder_from_env,
    warehouse_from_env,
)
from assets.schedules import daily_full_refresh
from assets.sensors import seed_files_sensor


def build_definitions(
    seeds: SeedsFolder, warehouse: Warehouse, recognizer: EntityRecognizer | None = None
) -> dg.Definitions:
    """Everything in the graph, bound to one seeds folder, one warehouse and one recognizer setting."""
    return dg.Definitions(
        assets=dg.with_source_code_references([seed_documents, resolved_entities, coded_events, news_duckdb, briefing]),
        asset_checks=dg.load_asset_checks_from_modules([checks]),
        jobs=[refresh_warehouse, rebuild_news_duckdb],
        sensors=[seed_files_sensor],
        schedules=[daily_full_refresh],
        resources={"seeds": seeds, "warehouse": warehouse, "recognizer": recognizer or EntityRecognizer()},
        executor=dg.in_process_executor,
    )


defs = build_definitions(seeds_folder_from_env(), warehouse_from_env(), entity_recognizer_from_env())
