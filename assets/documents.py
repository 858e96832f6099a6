"""Per seed file: decode, clean, split into sentences and recognize entity mentions; accepted and
rejected files alike land in the warehouse's Parquet partitions."""

from collections import Counter
from dataclasses import dataclass, field

import dagster as dg

from assets.metadata import OWNERS, PREVIEW_ROWS, column_schema, markdown_preview, table_description
from assets.partitions import seed_file_for, seed_files_partitions
from assets.resources import EntityRecognizer, SeedsFolder, Warehouse
from pipelines import PIPELINE_VERSION
from pipelines.documents import DocumentOutcome, RejectedDocument, Row, process_seed_file

TEXT_GROUP = "text"
ENTITIES_GROUP = "entities"
# Above this many files, a run logs its progress every so often.
PROGRESS_EVERY = 500


def _spec(table: str, kinds: set[str], deps: list[str] | None = None, group: str = TEXT_GROUP) -> dg.AssetSpec:
    return dg.AssetSpec(
        key=table,
        description=table_description(table),
        group_name=group,
        kinds=kinds,
        owners=OWNERS,
        deps=deps or [],
        metadata={"dagster/column_schema": column_schema(table), "dagster/table_name": f"main.{table}"},
    )


@dataclass
class _RunTally:
    """Counts and the first few rows of a run, for its metadata; the run's rows are not kept."""

    accepted: int = 0
    sentences: int = 0
    mentions: Counter[str] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)
    documents: list[Row] = field(default_factory=list)
    rejections: list[Row] = field(default_factory=list)
    sentence_rows: list[Row] = field(default_factory=list)
    mention_rows: list[Row] = field(default_factory=list)

    def add(self, outcome: DocumentOutcome) -> None:
        if isinstance(outcome, RejectedDocument):
            self.reasons[outcome.rejection["rejection_code"]] += 1
            _keep_preview(self.rejections, [outcome.rejection])
        else:
            self.accepted += 1
            self.sentences += len(outcome.sentences)
            _keep_preview(self.documents, [outcome.document])
            _keep_preview(self.sentence_rows, outcome.sentences)
            _keep_preview(self.mention_rows, outcome.mentions)
            self.mentions.update(row["label"] for row in outcome.mentions)


def _keep_preview(preview: list[Row], rows: list[Row]) -> None:
    preview.extend(rows[: PREVIEW_ROWS - len(preview)])


@dg.multi_asset(
    specs=[
        _spec("documents", {"python", "parquet"}),
        _spec("rejected_documents", {"python", "parquet"}),
        _spec("sentences", {"spacy", "parquet"}, deps=["documents"]),
        _spec("mention_candidates", {"spacy", "parquet"}, deps=["sentences"], group=ENTITIES_GROUP),
    ],
    partitions_def=seed_files_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    code_version=PIPELINE_VERSION,
    description="Reads each seed file, decodes it, cleans it with an offset map back to its raw text, "
    "splits it into sentences and recognizes its entity mentions (one spaCy parse serves both); a file "
    "that cannot be read becomes a rejected_documents row.",
)
def seed_documents(
    context: dg.AssetExecutionContext, seeds: SeedsFolder, warehouse: Warehouse, recognizer: EntityRecognizer
):
    """Process every seed file of the run's partitions; one bad file never stops the others."""
    tally = _RunTally()
    for done, key in enumerate(context.partition_keys, start=1):
        outcome = process_seed_file(seeds.root, seed_file_for(key), seeds.max_bytes, recognizer.model)
        warehouse.store(outcome)
        tally.add(outcome)
        if isinstance(outcome, RejectedDocument):
            context.log.warning(f"Rejected {outcome.seed_file}: {outcome.reason}")
        if done % PROGRESS_EVERY == 0:
            context.log.info(f"{done} of {len(context.partition_keys)} files processed")
    context.log.info(f"{tally.accepted} files accepted, {sum(tally.reasons.values())} rejected")
    yield dg.MaterializeResult(
        asset_key="documents",
        metadata={
            "files_in_run": len(context.partition_keys),
            "rows_written": tally.accepted,
            "dagster/column_schema": column_schema("documents"),
            "preview": markdown_preview(
                tally.documents, ["seed_file", "title", "published_date", "encoding", "n_sentences"]
            ),
        },
    )
    yield dg.MaterializeResult(
        asset_key="rejected_documents",
        metadata={
            "rows_written": sum(tally.reasons.values()),
            "dagster/column_schema": column_schema("rejected_documents"),
            "reasons": dg.MetadataValue.json(dict(tally.reasons)),
            "preview": markdown_preview(tally.rejections, ["seed_file", "reason"]),
        },
    )
    yield dg.MaterializeResult(
        asset_key="sentences",
        metadata={
            "rows_written": tally.sentences,
            "dagster/column_schema": column_schema("sentences"),
            "preview": markdown_preview(
                tally.sentence_rows, ["doc_id", "sentence_idx", "char_start", "char_end", "text"]
            ),
        },
    )
    yield dg.MaterializeResult(
        asset_key="mention_candidates",
        metadata={
            "rows_written": sum(tally.mentions.values()),
            "labels": dg.MetadataValue.json(dict(sorted(tally.mentions.items()))),
            "dagster/column_schema": column_schema("mention_candidates"),
            "preview": markdown_preview(tally.mention_rows, ["doc_id", "text", "label", "method", "link"]),
        },
    )
