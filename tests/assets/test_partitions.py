"""Partition keys and ranges, for any file name and any set of changed files."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from assets.partitions import (
    MAX_FILES_PER_RUN,
    contiguous_ranges,
    partition_key_for,
    seed_file_for,
    seed_files_backfill_policy,
)

DAGSTER_INVALID_IN_KEYS = ["...", "\a", "\b", "\f", "\n", "\r", "\t", "\v", "\0"]
PATHS = st.text(st.characters(codec="utf-8"), min_size=1, max_size=60).map(lambda name: f"{name}.txt")


@given(PATHS)
def test_every_path_has_a_valid_key_that_maps_back_to_it(seed_file: str) -> None:
    key = partition_key_for(seed_file)
    assert not any(bad in key for bad in DAGSTER_INVALID_IN_KEYS)
    assert seed_file_for(key) == seed_file


def test_plain_paths_are_their_own_keys() -> None:
    assert partition_key_for("sub folder/ünïcode - name.txt") == "sub folder/ünïcode - name.txt"


@given(st.lists(st.booleans(), max_size=40))
def test_ranges_cover_exactly_the_wanted_keys_in_as_few_runs_as_possible(wanted_flags: list[bool]) -> None:
    keys = [f"k{i:02d}" for i in range(len(wanted_flags))]
    wanted = {key for key, flag in zip(keys, wanted_flags, strict=True) if flag}
    ranges = contiguous_ranges(keys, wanted)
    covered = {key for first, last in ranges for key in keys[keys.index(first) : keys.index(last) + 1]}
    assert covered == wanted
    runs_of_wanted = sum(1 for i, flag in enumerate(wanted_flags) if flag and (i == 0 or not wanted_flags[i - 1]))
    assert len(ranges) == runs_of_wanted


def test_a_backfill_is_one_run_unless_max_files_per_run_splits_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(MAX_FILES_PER_RUN, raising=False)
    assert seed_files_backfill_policy().max_partitions_per_run is None
    monkeypatch.setenv(MAX_FILES_PER_RUN, "500")
    assert seed_files_backfill_policy().max_partitions_per_run == 500
