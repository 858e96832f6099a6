"""The queryable warehouse: `news.duckdb`, rebuilt from every Parquet partition and swapped in."""

import dagster as dg

from assets.metadata import OWNERS, markdown_preview
from assets.partitions import SEED_FILES, doc_id_for_key
from assets.resources import Warehouse
from pipelines import PIPELINE_VERSION
from warehouse.database import database_path
from warehouse.schema import TABLES


@dg.asset(
    deps=list(TABLES),
    group_name="warehouse",
    kinds={"duckdb", "parquet"},
    owners=OWNERS,
    code_version=PIPELINE_VERSION,
    description="news.duckdb: every table built from the Parquet partitions into a new file, with the "
    "views of views.sql (event_timeline, entity_network, actor_dyads, fact_provenance), then swapped in "
    "with an atomic rename, so readers never see a half-written state. Partitions of seed files that no "
    "longer exist are dropped first.",
)
def news_duckdb(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    current = {doc_id_for_key(key) for key in context.instance.get_dynamic_partitions(SEED_FILES)}
    counts = warehouse.rebuild(keep_partitions=current)
    context.log.info(f"Rebuilt {database_path(warehouse.root)}: {counts}")
    return dg.MaterializeResult(
        metadata={
            "path": dg.MetadataValue.path(str(database_path(warehouse.root))),
            "dagster/row_count": sum(counts.values()),
            **{f"rows_{table}": count for table, count in counts.items()},
            "tables": markdown_preview(
                [{"table": table, "rows": count} for table, count in counts.items()], ["table", "rows"]
            ),
        }
    )
