"""The project's seeds are the shared seed articles, byte for byte."""

from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHARED_SEEDS = PROJECT_ROOT.parent / "shared" / "seeds"


@pytest.mark.skipif(not SHARED_SEEDS.is_dir(), reason="the shared seeds are not beside this checkout")
def test_the_seeds_are_the_shared_seed_files_unchanged() -> None:
    ours = {path.name: path.read_bytes() for path in (PROJECT_ROOT / "seeds").glob("*.txt")}
    shared = {path.name: path.read_bytes() for path in SHARED_SEEDS.glob("*.txt")}
    assert len(shared) == 5
    assert ours == shared
