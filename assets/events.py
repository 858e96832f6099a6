"""Across all documents: code event candidates with resolved entities and cluster the reports of one happening."""

from collections import Counter, defaultdict

import dagster as dg
import pyarrow as pa
import pyarrow.compute as pc

from assets.documents import EVENTS_GROUP
from assets.metadata import PREVIEW_ROWS, markdown_preview, table_metadata, table_spec, value_counts
from assets.partitions import SEED_FILES, doc_id_for_key
from assets.resources import Warehouse
from pipelines import PIPELINE_VERSION
from pipelines.clusters import CodedTables, Row, code_event_tables


@dg.multi_asset(
    specs=[table_spec("events", EVENTS_GROUP, "python"), table_spec("event_actors", EVENTS_GROUP, "python")],
    code_version=PIPELINE_VERSION,
    description="Codes the event candidates of every current seed file with the resolved entities: "
    "participants at state level (a capital, a nationality in a state role, a state army or the head of "
    "a government phrase standing for its country), places as entities; then clusters the reports of one "
    "real-world happening across sentences and documents.",
)
def coded_events(context: dg.AssetExecutionContext, warehouse: Warehouse):
    """Read all current candidates and the entity tables, code them, and replace both corpus tables together.
    The tables stay Arrow from Parquet to Parquet: only what coding reads becomes Python objects."""
    current = {doc_id_for_key(key) for key in context.instance.get_dynamic_partitions(SEED_FILES)}
    entities = warehouse.read("entities")
    coded = code_event_tables(
        warehouse.read("event_candidates", current),
        warehouse.read("event_arguments", current),
        warehouse.read("entity_mentions", columns=["mention_id", "entity_id"]),
        entities,
    )
    warehouse.store_corpus({"events": coded.events, "event_actors": coded.actors})
    n_clusters = len(pc.unique(coded.events["cluster_id"]))
    context.log.info(f"{coded.events.num_rows} events in {n_clusters} clusters, {coded.actors.num_rows} participants")
    if coded.dropped_arguments:
        context.log.warning(f"{coded.dropped_arguments} event arguments had no entity and were left out")
    yield dg.MaterializeResult(
        asset_key="events",
        metadata={
            **table_metadata("events"),
            "dagster/row_count": coded.events.num_rows,
            "n_clusters": n_clusters,
            "event_types": value_counts(Counter(coded.events["event_type"].to_pylist())),
            "modalities": value_counts(Counter(coded.events["modality"].to_pylist())),
            "latest_events": markdown_preview(
                _latest_with_participants(coded, entities),
                ["event_date", "event_type", "modality", "trigger", "actors", "recipients", "place"],
            ),
        },
    )
    yield dg.MaterializeResult(
        asset_key="event_actors",
        metadata={
            **table_metadata("event_actors"),
            "dagster/row_count": coded.actors.num_rows,
            "roles": value_counts(Counter(coded.actors["role"].to_pylist())),
            "dropped_arguments": coded.dropped_arguments,
            "preview": markdown_preview(
                coded.actors.slice(0, PREVIEW_ROWS).to_pylist(), ["event_id", "entity_id", "role", "sector"]
            ),
        },
    )


def _latest_with_participants(coded: CodedTables, entities: pa.Table) -> list[Row]:
    """The latest-dated events (an unknown date last), each with its actors', recipients' and place's
    names, for the preview."""
    names = dict(zip(entities["entity_id"].to_pylist(), entities["name"].to_pylist(), strict=True))
    by_date = pa.table({"date": pc.fill_null(coded.events["event_date"], ""), "event_id": coded.events["event_id"]})
    order = pc.sort_indices(by_date, [("date", "descending"), ("event_id", "descending")])
    latest = coded.events.take(order[:PREVIEW_ROWS]).to_pylist()
    shown = pc.is_in(coded.actors["event_id"], value_set=pa.array([event["event_id"] for event in latest], pa.string()))
    participants: dict[tuple[str, str], list[str]] = defaultdict(list)
    for actor in coded.actors.filter(shown).to_pylist():
        participants[(actor["event_id"], actor["role"])].append(names.get(actor["entity_id"], actor["entity_id"]))
    return [
        {
            **event,
            "actors": ", ".join(participants[(event["event_id"], "actor")]),
            "recipients": ", ".join(participants[(event["event_id"], "recipient")]),
            "place": names.get(event["location_entity_id"]),
        }
        for event in latest
    ]
