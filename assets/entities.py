"""Across all documents: resolve every recognized mention to one entity per real-world thing."""

from collections import Counter

import dagster as dg

from assets.documents import ENTITIES_GROUP
from assets.metadata import PREVIEW_ROWS, markdown_preview, table_metadata, table_spec, value_counts
from assets.partitions import SEED_FILES, doc_id_for_key
from assets.resources import Warehouse
from pipelines import PIPELINE_VERSION
from pipelines.resolve import resolve_table
from warehouse.schema import arrow_table


@dg.multi_asset(
    specs=[table_spec("entities", ENTITIES_GROUP, "python"), table_spec("entity_mentions", ENTITIES_GROUP, "python")],
    code_version=PIPELINE_VERSION,
    description="Resolves the mention candidates of every current seed file into entities: gazetteer "
    "links first, then names across spellings, transliterations, titles and 'al-' forms, bare surnames "
    "and acronyms. The only step where one file's text can change another file's rows.",
)
def resolved_entities(context: dg.AssetExecutionContext, warehouse: Warehouse):
    """Read all current candidates, resolve them, and replace both corpus tables together."""
    current = {doc_id_for_key(key) for key in context.instance.get_dynamic_partitions(SEED_FILES)}
    resolution = resolve_table(warehouse.read("mention_candidates", current))
    mentions = resolution.mentions
    warehouse.store_corpus({"entities": arrow_table("entities", resolution.entities), "entity_mentions": mentions})
    context.log.info(f"{mentions.num_rows} mentions resolved to {len(resolution.entities)} entities")
    top = sorted(resolution.entities, key=lambda e: (-e["n_mentions"], e["name"]))
    yield dg.MaterializeResult(
        asset_key="entities",
        metadata={
            **table_metadata("entities"),
            "dagster/row_count": len(resolution.entities),
            "labels": value_counts(Counter(e["label"] for e in resolution.entities)),
            "top_entities": markdown_preview(top, ["name", "label", "country_iso3", "sector", "n_mentions", "aliases"]),
        },
    )
    yield dg.MaterializeResult(
        asset_key="entity_mentions",
        metadata={
            **table_metadata("entity_mentions"),
            "dagster/row_count": mentions.num_rows,
            "documents": len(current),
            "preview": markdown_preview(
                mentions.slice(0, PREVIEW_ROWS).to_pylist(), ["doc_id", "text", "label", "entity_id", "method"]
            ),
        },
    )
