"""The gazetteer's on-disk cache: keyed by what it is built from, written atomically, optional."""

from pathlib import Path

import pytest

from pipelines.gazetteer import _cache_path, _read_cache, _write_cache, gazetteer


def test_the_cache_lives_where_the_setting_says_and_is_named_by_its_inputs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEWSEVENTS_CACHE_DIR", str(tmp_path))
    path = _cache_path()
    assert path.parent == tmp_path
    assert path.name.startswith("gazetteer-") and path.suffix == ".pickle"
    assert _cache_path() == path


def test_a_cached_gazetteer_reads_back_equal_and_a_missing_or_broken_one_is_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "gazetteer-x.pickle"
    assert _read_cache(path) is None
    _write_cache(path, gazetteer())
    cached = _read_cache(path)
    assert cached is not None and cached.lookup("Astana") == gazetteer().lookup("Astana")
    assert [p.name for p in tmp_path.iterdir()] == [path.name]
    path.write_bytes(b"not a pickle")
    assert _read_cache(path) is None


def test_a_cache_folder_that_cannot_be_written_is_not_an_error(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("a file where the folder should be")
    _write_cache(blocked / "gazetteer-x.pickle", gazetteer())
    assert _read_cache(blocked / "gazetteer-x.pickle") is None
