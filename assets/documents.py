"""Per seed file: decode, clean, split into sentences, recognize entity mentions and extract event
candidates; accepted and rejected files alike land in the warehouse's Parquet partitions."""

from collections import Counter
from dataclasses import dataclass, field

import dagster as dg

from assets.metadata import PREVIEW_ROWS, markdown_preview, table_spec, value_counts
from assets.partitions import seed_file_for, seed_files_backfill_policy, seed_files_partitions
from assets.resources import EntityRecognizer, SeedsFolder, Warehouse
from pipelines import PIPELINE_VERSION
from pipelines.documents import DocumentOutcome, RejectedDocument, Row, process_seed_files

TEXT_GROUP = "text"
ENTITIES_GROUP = "entities"
EVENTS_GROUP = "events"
# Above this many files, a run logs its progress every so often.
PROGRESS_EVERY = 500


@dataclass(frozen=True)
class _Shown:
    """What a run's metadata shows of a table: the counts of one column's values, and a preview."""

    preview: tuple[str, ...]
    counted: str | None = None
    counts_key: str | None = None


SHOWN: dict[str, _Shown] = {
    "documents": _Shown(("seed_file", "title", "published_date", "encoding", "n_sentences")),
    "rejected_documents": _Shown(("seed_file", "reason"), "rejection_code", "reasons"),
    "sentences": _Shown(("doc_id", "sentence_idx", "char_start", "char_end", "text")),
    "mention_candidates": _Shown(("doc_id", "text", "label", "method", "link"), "label", "labels"),
    "event_candidates": _Shown(
        ("doc_id", "trigger", "event_type", "mode", "modality", "event_date"), "event_type", "event_types"
    ),
    "event_arguments": _Shown(("event_id", "mention_id", "role", "sector"), "role", "roles"),
}


@dataclass
class _RunTally:
    """Rows written per table, the first few of each and the counts the metadata shows; the run's
    rows themselves are not kept."""

    rows: Counter[str] = field(default_factory=Counter)
    previews: dict[str, list[Row]] = field(default_factory=lambda: {table: [] for table in SHOWN})
    values: dict[str, Counter[str]] = field(default_factory=lambda: {table: Counter() for table in SHOWN})

    def add(self, outcome: DocumentOutcome) -> None:
        for table, rows in outcome.rows_by_table.items():
            self.rows[table] += len(rows)
            self.previews[table].extend(rows[: PREVIEW_ROWS - len(self.previews[table])])
            if column := SHOWN[table].counted:
                self.values[table].update(row[column] for row in rows)


@dg.multi_asset(
    specs=[
        table_spec("documents", TEXT_GROUP, "python"),
        table_spec("rejected_documents", TEXT_GROUP, "python"),
        table_spec("sentences", TEXT_GROUP, "spacy"),
        table_spec("mention_candidates", ENTITIES_GROUP, "spacy"),
        table_spec("event_candidates", EVENTS_GROUP, "spacy"),
        table_spec("event_arguments", EVENTS_GROUP, "spacy"),
    ],
    partitions_def=seed_files_partitions,
    backfill_policy=seed_files_backfill_policy(),
    code_version=PIPELINE_VERSION,
    description="Reads each seed file, decodes it, cleans it with an offset map back to its raw text, "
    "splits it into sentences, recognizes its entity mentions and extracts its event candidates (one spaCy "
    "parse serves all three); a file that cannot be read becomes a rejected_documents row.",
)
def seed_documents(
    context: dg.AssetExecutionContext, seeds: SeedsFolder, warehouse: Warehouse, recognizer: EntityRecognizer
):
    """Process every seed file of the run's partitions; one bad file never stops the others."""
    tally = _RunTally()
    files = [seed_file_for(key) for key in context.partition_keys]
    outcomes = process_seed_files(seeds.root, files, seeds.max_bytes, recognizer.model, seeds.processes)
    for done, outcome in enumerate(warehouse.store_all(outcomes), start=1):
        tally.add(outcome)
        if isinstance(outcome, RejectedDocument):
            context.log.warning(f"Rejected {outcome.seed_file}: {outcome.reason}")
        if done % PROGRESS_EVERY == 0:
            context.log.info(f"{done} of {len(context.partition_keys)} files processed")
    context.log.info(f"{tally.rows['documents']} files accepted, {tally.rows['rejected_documents']} rejected")
    for table, shown in SHOWN.items():
        # Dagster copies this to each partition's materialization, so it stays small: the column
        # schema and lineage are in the asset's definition, not repeated per file.
        metadata = {
            "rows_written": tally.rows[table],
            "dagster/table_name": f"main.{table}",
            "preview": markdown_preview(tally.previews[table], shown.preview),
        }
        if shown.counted:
            metadata[shown.counts_key] = value_counts(tally.values[table])
        if table == "documents":
            metadata["files_in_run"] = len(context.partition_keys)
        yield dg.MaterializeResult(asset_key=table, metadata=metadata)
