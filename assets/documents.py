"""Per seed file: decode, clean, split into sentences, recognize entity mentions and extract event
candidates; accepted and rejected files alike land in the warehouse's Parquet partitions."""

from collections import Counter
from dataclasses import dataclass, field

import dagster as dg

from assets.metadata import PREVIEW_ROWS, column_schema, markdown_preview, table_spec
from assets.partitions import seed_file_for, seed_files_partitions
from assets.resources import EntityRecognizer, SeedsFolder, Warehouse
from pipelines import PIPELINE_VERSION
from pipelines.documents import DocumentOutcome, RejectedDocument, Row, process_seed_file

TEXT_GROUP = "text"
ENTITIES_GROUP = "entities"
EVENTS_GROUP = "events"
# Above this many files, a run logs its progress every so often.
PROGRESS_EVERY = 500


@dataclass
class _RunTally:
    """Counts and the first few rows of a run, for its metadata; the run's rows are not kept."""

    accepted: int = 0
    sentences: int = 0
    mentions: Counter[str] = field(default_factory=Counter)
    events: Counter[str] = field(default_factory=Counter)
    roles: Counter[str] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)
    documents: list[Row] = field(default_factory=list)
    rejections: list[Row] = field(default_factory=list)
    sentence_rows: list[Row] = field(default_factory=list)
    mention_rows: list[Row] = field(default_factory=list)
    event_rows: list[Row] = field(default_factory=list)
    argument_rows: list[Row] = field(default_factory=list)

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
            _keep_preview(self.event_rows, outcome.events)
            _keep_preview(self.argument_rows, outcome.event_arguments)
            self.events.update(row["event_type"] for row in outcome.events)
            self.roles.update(row["role"] for row in outcome.event_arguments)


def _keep_preview(preview: list[Row], rows: list[Row]) -> None:
    preview.extend(rows[: PREVIEW_ROWS - len(preview)])


@dg.multi_asset(
    specs=[
        table_spec("documents", TEXT_GROUP, {"python", "parquet"}),
        table_spec("rejected_documents", TEXT_GROUP, {"python", "parquet"}),
        table_spec("sentences", TEXT_GROUP, {"spacy", "parquet"}, deps=["documents"]),
        table_spec("mention_candidates", ENTITIES_GROUP, {"spacy", "parquet"}, deps=["sentences"]),
        table_spec("event_candidates", EVENTS_GROUP, {"python", "parquet"}, deps=["mention_candidates"]),
        table_spec("event_arguments", EVENTS_GROUP, {"python", "parquet"}, deps=["mention_candidates"]),
    ],
    partitions_def=seed_files_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
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
    yield dg.MaterializeResult(
        asset_key="event_candidates",
        metadata={
            "rows_written": sum(tally.events.values()),
            "event_types": dg.MetadataValue.json(dict(sorted(tally.events.items()))),
            "dagster/column_schema": column_schema("event_candidates"),
            "preview": markdown_preview(
                tally.event_rows, ["doc_id", "trigger", "event_type", "mode", "modality", "event_date"]
            ),
        },
    )
    yield dg.MaterializeResult(
        asset_key="event_arguments",
        metadata={
            "rows_written": sum(tally.roles.values()),
            "roles": dg.MetadataValue.json(dict(sorted(tally.roles.items()))),
            "dagster/column_schema": column_schema("event_arguments"),
            "preview": markdown_preview(tally.argument_rows, ["event_id", "mention_id", "role", "sector"]),
        },
    )
