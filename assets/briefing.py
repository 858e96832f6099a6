"""The analysts' picture: briefing.html, rendered from news.duckdb into the warehouse folder."""

import dagster as dg

from assets.database import news_duckdb
from assets.metadata import OWNERS, markdown_preview
from assets.resources import SeedsFolder, Warehouse
from pipelines import PIPELINE_VERSION
from warehouse.briefing import render_briefing


@dg.asset(
    deps=[news_duckdb],
    group_name="reports",
    kinds={"html", "plotly"},
    owners=OWNERS,
    code_version=PIPELINE_VERSION,
    description="briefing.html in the warehouse folder: one self-contained page (plotly.js inlined, so it "
    "opens offline) with the event timeline, the most active actors and the actor network as charts; every "
    "marker, bar and node links to its row, every row to the sentences it was read from, and every sentence "
    "to its seed file, SHA-256 and character offsets. Read from news.duckdb, read-only.",
)
def briefing(context: dg.AssetExecutionContext, warehouse: Warehouse, seeds: SeedsFolder) -> dg.MaterializeResult:
    summary = render_briefing(warehouse.root, seeds.root)
    context.log.info(f"Rendered {summary.path}: {summary.timeline_events} events, {summary.actors} actors")
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(summary.path)),
            "open": dg.MetadataValue.url(summary.path.as_uri()),
            "timeline_events": summary.timeline_events,
            "actors": summary.actors,
            "network_nodes": summary.network_nodes,
            "network_edges": summary.network_edges,
            "source_sentences": summary.sentences,
            "top_actors": markdown_preview(
                summary.top_actors, ["name", "label", "n_events", "as_actor", "as_recipient"]
            ),
        }
    )
