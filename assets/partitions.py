"""One dynamic partition per seed file, keyed by its path relative to the seeds folder."""

import os
import re
from collections.abc import Iterable, Mapping
from urllib.parse import quote, unquote

import dagster as dg
from dagster._core.storage.tags import (
    ASSET_PARTITION_RANGE_END_TAG,
    ASSET_PARTITION_RANGE_START_TAG,
    PARTITION_NAME_TAG,
)
from sqlalchemy.exc import IntegrityError

from pipelines.ingest import FileStamp, doc_id_for

SEED_FILES = "seed_files"
seed_files_partitions = dg.DynamicPartitionsDefinition(name=SEED_FILES)
# The most files one run of a backfill processes (`MAX_FILES_PER_RUN`); 0 or unset: all in one run.
MAX_FILES_PER_RUN = "MAX_FILES_PER_RUN"

# Dagster keys cannot hold "..." (its range syntax) or control characters; such characters of a
# path are percent-encoded in its key, and "%" itself too, so every key maps back to its path.
_UNSAFE_IN_KEY = re.compile(r"[%\x00-\x1f\x7f]")
# Tries of a partition sync that races with another process adding the same keys.
SYNC_ATTEMPTS = 3


def seed_files_backfill_policy() -> dg.BackfillPolicy:
    """One run for a whole backfill of seed files, or with `MAX_FILES_PER_RUN` set, runs of at most that
    many files, which the instance's run queue runs side by side (each in its own process, or pod
    with dagster-k8s); the corpus assets then run once, after all of them."""
    limit = int(os.environ.get(MAX_FILES_PER_RUN) or 0)
    return dg.BackfillPolicy.multi_run(limit) if limit > 0 else dg.BackfillPolicy.single_run()


def partition_key_for(seed_file: str) -> str:
    key = _UNSAFE_IN_KEY.sub(lambda match: quote(match.group(), safe=""), seed_file)
    return key.replace("...", "%2E%2E%2E")


def seed_file_for(partition_key: str) -> str:
    return unquote(partition_key)


def doc_id_for_key(partition_key: str) -> str:
    return doc_id_for(seed_file_for(partition_key))


def partition_range_tags(first_key: str, last_key: str) -> dict[str, str]:
    """Run tags that make one run cover every partition from `first_key` to `last_key`."""
    return {ASSET_PARTITION_RANGE_START_TAG: first_key, ASSET_PARTITION_RANGE_END_TAG: last_key}


def run_partition_keys(instance: dg.DagsterInstance, run_tags: Mapping[str, str]) -> list[str]:
    """The seed files' partitions a run covers, by its tags: its partition, its range, or with
    neither (checks run alone from the UI), every current file."""
    if PARTITION_NAME_TAG in run_tags:
        return [run_tags[PARTITION_NAME_TAG]]
    keys = instance.get_dynamic_partitions(SEED_FILES)
    first, last = run_tags.get(ASSET_PARTITION_RANGE_START_TAG), run_tags.get(ASSET_PARTITION_RANGE_END_TAG)
    if first in keys and last in keys:
        return keys[keys.index(first) : keys.index(last) + 1]
    return keys


def contiguous_ranges(ordered_keys: list[str], wanted: set[str]) -> list[tuple[str, str]]:
    """The fewest (first, last) ranges of `ordered_keys` that cover exactly the `wanted` keys."""
    ranges: list[tuple[str, str]] = []
    first: str | None = None
    previous: str | None = None
    for key in ordered_keys:
        if key in wanted:
            first = first or key
            previous = key
        elif first is not None and previous is not None:
            ranges.append((first, previous))
            first = previous = None
    if first is not None and previous is not None:
        ranges.append((first, previous))
    return ranges


def partition_differences(known_keys: Iterable[str], files: Iterable[str]) -> tuple[list[str], list[str]]:
    """Keys to add for files without a partition (in file order), and keys of partitions whose
    file is gone (sorted)."""
    known = set(known_keys)
    wanted = [partition_key_for(seed_file) for seed_file in files]
    return [key for key in wanted if key not in known], sorted(known - set(wanted))


def sync_seed_partitions(instance: dg.DagsterInstance, files: dict[str, FileStamp]) -> tuple[list[str], list[str]]:
    """Make the partitions match the files: add keys for new files, delete keys of removed ones.

    Another process (the sensor, a second `make run`) may add some of the same keys between this
    one's read and its insert; the storage then refuses the duplicates, and the keys are read again.
    """
    for _ in range(SYNC_ATTEMPTS - 1):
        try:
            return _sync_once(instance, files)
        except IntegrityError:
            continue
    return _sync_once(instance, files)


def _sync_once(instance: dg.DagsterInstance, files: dict[str, FileStamp]) -> tuple[list[str], list[str]]:
    added, removed = partition_differences(instance.get_dynamic_partitions(SEED_FILES), files)
    if added:
        instance.add_dynamic_partitions(SEED_FILES, added)
    for key in removed:
        instance.delete_dynamic_partition(SEED_FILES, key)
    return added, removed
