"""Across all documents: code event candidates with resolved entities and cluster the reports of one happening."""

from collections import Counter, defaultdict

import dagster as dg

from assets.documents import EVENTS_GROUP
from assets.metadata import PREVIEW_ROWS, markdown_preview, table_metadata, table_spec, value_counts
from assets.partitions import SEED_FILES, doc_id_for_key
from assets.resources import Warehouse
from pipelines import PIPELINE_VERSION
from pipelines.clusters import CodedEvents, Row, code_events


@dg.multi_asset(
    specs=[table_spec("events", EVENTS_GROUP, "python"), table_spec("event_actors", EVENTS_GROUP, "python")],
    code_version=PIPELINE_VERSION,
    description="Codes the event candidates of every current seed file with the resolved entities: "
    "participants at state level (a capital, a nationality in a state role, a state army or the head of "
    "a government phrase standing for its country), places as entities; then clusters the reports of one "
    "real-world happening across sentences and documents.",
)
def coded_events(context: dg.AssetExecutionContext, warehouse: Warehouse):
    """Read all current candidates and the entity tables, code them, and replace both corpus tables together."""
    current = {doc_id_for_key(key) for key in context.instance.get_dynamic_partitions(SEED_FILES)}
    entities = warehouse.read("entities").to_pylist()
    coded = code_events(
        warehouse.read("event_candidates", current).to_pylist(),
        warehouse.read("event_arguments", current).to_pylist(),
        warehouse.read("entity_mentions").select(["mention_id", "entity_id"]).to_pylist(),
        entities,
    )
    warehouse.store_corpus({"events": coded.events, "event_actors": coded.actors})
    n_clusters = len({event["cluster_id"] for event in coded.events})
    context.log.info(f"{len(coded.events)} events in {n_clusters} clusters, {len(coded.actors)} participants")
    if coded.dropped_arguments:
        context.log.warning(f"{coded.dropped_arguments} event arguments had no entity and were left out")
    yield dg.MaterializeResult(
        asset_key="events",
        metadata={
            **table_metadata("events"),
            "dagster/row_count": len(coded.events),
            "n_clusters": n_clusters,
            "event_types": value_counts(Counter(event["event_type"] for event in coded.events)),
            "modalities": value_counts(Counter(event["modality"] for event in coded.events)),
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
            "dagster/row_count": len(coded.actors),
            "roles": value_counts(Counter(actor["role"] for actor in coded.actors)),
            "dropped_arguments": coded.dropped_arguments,
            "preview": markdown_preview(coded.actors, ["event_id", "entity_id", "role", "sector"]),
        },
    )


def _latest_with_participants(coded: CodedEvents, entities: list[Row]) -> list[Row]:
    """The latest-dated events, each with its actors', recipients' and place's names, for the preview."""
    names = {entity["entity_id"]: entity["name"] for entity in entities}
    participants: dict[tuple[str, str], list[str]] = defaultdict(list)
    for actor in coded.actors:
        participants[(actor["event_id"], actor["role"])].append(names.get(actor["entity_id"], actor["entity_id"]))
    latest = sorted(coded.events, key=lambda event: (event["event_date"] or "", event["event_id"]), reverse=True)
    return [
        {
            **event,
            "actors": ", ".join(participants[(event["event_id"], "actor")]),
            "recipients": ", ".join(participants[(event["event_id"], "recipient")]),
            "place": names.get(event["location_entity_id"]),
        }
        for event in latest[:PREVIEW_ROWS]
    ]
