"""The shared caches: a word cache answers as its function does, within its bound."""

import pytest

from pipelines import caching


def test_a_word_cache_answers_as_its_function_and_starts_afresh_when_full(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(caching, "MAX_CACHED", 3)
    asked: list[str] = []
    cache = caching.WordCache(lambda word: asked.append(word) or word.upper())
    words = ["a", "b", "a", "c", "d", "a", "e"]
    assert list(map(cache.__getitem__, words)) == [word.upper() for word in words]
    assert asked == ["a", "b", "c", "d", "a", "e"]  # "a" again once the cache started afresh at "d"
    assert len(cache) <= 3
