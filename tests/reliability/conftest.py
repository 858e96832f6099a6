"""Shared by the reliability tests: what a consistent warehouse is, a hash of its contents, an
ordinary user's file permissions for a root test process, and the figures the stress tests print."""

import ctypes
import hashlib
import json
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import duckdb
import pytest

from assets.instance import write_instance_settings
from pipelines.text import lineage_violations

# Each query counts the rows that break one invariant: zero in any complete state of the warehouse.
# The table each needs must exist, so the checks on tables being added (entity_mentions) apply once they are there.
INVARIANTS: dict[str, tuple[str, str]] = {
    "sentences without a document": (
        "sentences",
        "SELECT count(*) FROM sentences WHERE doc_id NOT IN (SELECT doc_id FROM documents)",
    ),
    "documents whose n_sentences is not their number of sentences": (
        "documents",
        "SELECT count(*) FROM documents d "
        "WHERE n_sentences != (SELECT count(*) FROM sentences s WHERE s.doc_id = d.doc_id)",
    ),
    "duplicate documents": ("documents", "SELECT count(*) - count(DISTINCT doc_id) FROM documents"),
    "duplicate sentences": (
        "sentences",
        "SELECT count(*) - count(DISTINCT (doc_id, sentence_idx)) FROM sentences",
    ),
    "files both accepted and rejected": (
        "rejected_documents",
        "SELECT count(*) FROM documents JOIN rejected_documents USING (seed_file)",
    ),
    "mentions without a document": (
        "entity_mentions",
        "SELECT count(*) FROM entity_mentions WHERE doc_id NOT IN (SELECT doc_id FROM documents)",
    ),
    "mentions whose text is not their raw slice": (
        "entity_mentions",
        "SELECT count(*) FROM entity_mentions m JOIN documents d USING (doc_id) "
        "WHERE m.char_start < 0 OR m.char_end > length(d.raw_text) OR m.char_start >= m.char_end "
        "OR substring(d.raw_text, m.char_start + 1, m.char_end - m.char_start) != m.text",
    ),
    "events without a document": (
        "events",
        "SELECT count(*) FROM events WHERE doc_id NOT IN (SELECT doc_id FROM documents)",
    ),
    "events whose trigger is not their raw slice or lies outside their sentence": (
        "events",
        "SELECT count(*) FROM events e JOIN documents d USING (doc_id) "
        "LEFT JOIN sentences s ON s.doc_id = e.doc_id AND s.sentence_idx = e.sentence_idx "
        "WHERE s.doc_id IS NULL OR e.char_start < s.char_start OR e.char_end > s.char_end "
        "OR e.trigger_char_start < e.char_start OR e.trigger_char_end > e.char_end "
        "OR substring(d.raw_text, e.trigger_char_start + 1, e.trigger_char_end - e.trigger_char_start) != e.trigger",
    ),
    "event participants without an event or an entity": (
        "event_actors",
        "SELECT count(*) FROM event_actors WHERE event_id NOT IN (SELECT event_id FROM events) "
        "OR entity_id NOT IN (SELECT entity_id FROM entities)",
    ),
}
# Row counts reported with each snapshot; a table that does not exist yet counts as None.
COUNTED_TABLES = ("documents", "rejected_documents", "sentences", "entity_mentions", "events")

Snapshot = dict[str, int | None]


def read_snapshot(con: duckdb.DuckDBPyConnection) -> tuple[Snapshot, list[str]]:
    """Row counts, and the invariants broken, as one connection (one database file) sees them."""
    present = {name for (name,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    counts = {
        table: con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] if table in present else None
        for table in COUNTED_TABLES
    }
    broken = [
        f"{name}: {count}"
        for name, (table, query) in INVARIANTS.items()
        if table in present and (count := con.execute(query).fetchone()[0])
    ]
    return counts, broken


def consistent_snapshot(database: Path) -> Snapshot:
    """The row counts of the database file, after asserting that it breaks no invariant."""
    with duckdb.connect(str(database), read_only=True) as con:
        counts, broken = read_snapshot(con)
    assert not broken, f"{database} is inconsistent: {broken}"
    return counts


def content_hash(database: Path) -> str:
    """A hash over every table's rows in a fixed order, every column included: runs over the same
    files must agree on all of them (copies of the files would differ in seed_mtime_ns alone). The
    record of the build (schema `build`: the Parquet files' stamps) is left out."""
    digest = hashlib.sha256()
    with duckdb.connect(str(database), read_only=True) as con:
        names = "SELECT schema_name || '.' || table_name FROM duckdb_tables() WHERE schema_name <> 'build' ORDER BY 1"
        for (table,) in con.execute(names).fetchall():
            digest.update(table.encode())
            for row in con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall():
                digest.update(repr(row).encode())
    return digest.hexdigest()


# A reader process: until the stop file exists, connect read-only, read one snapshot (counts and
# broken invariants), disconnect, pause. Exits 1 at the first broken invariant or error; prints
# {"queries": n, "states": distinct snapshots seen} as JSON.
READER = """
import json, os, sys, time, traceback
import duckdb
database, stop, pause = sys.argv[1], sys.argv[2], float(sys.argv[3])
invariants, counted = json.loads(sys.argv[4]), json.loads(sys.argv[5])
queries, states = 0, set()
while not os.path.exists(stop):
    try:
        with duckdb.connect(database, read_only=True) as con:
            present = {name for (name,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
            counts = tuple(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] if t in present else None
                           for t in counted)
            broken = [name for name, (table, query) in invariants.items()
                      if table in present and con.execute(query).fetchone()[0]]
    except Exception:
        sys.exit(f"reader failed after {queries} queries: {traceback.format_exc()}")
    if broken:
        sys.exit(f"inconsistent snapshot {counts}: {broken}")
    queries += 1
    states.add(counts)
    time.sleep(pause)
print(json.dumps({"queries": queries, "states": len(states)}))
"""


def start_reader(database: Path, stop: Path, pause: float = 0.01) -> subprocess.Popen[str]:
    """A process that queries `database` read-only in a loop until `stop` exists (see READER)."""
    arguments = [str(database), str(stop), str(pause), json.dumps(INVARIANTS), json.dumps(COUNTED_TABLES)]
    return subprocess.Popen(
        [sys.executable, "-c", READER, *arguments], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


@pytest.fixture
def reader() -> Callable[..., subprocess.Popen[str]]:
    """`start_reader`, for tests."""
    return start_reader


def assert_spans_trace_back(database: Path) -> None:
    """The lineage rule for every sentence of a database: its raw slice, cleaned, is its text; and
    every document has sentences. (Mentions are held to theirs by INVARIANTS.)"""
    with duckdb.connect(str(database), read_only=True) as con:
        raw_texts = dict(con.execute("SELECT doc_id, raw_text FROM documents").fetchall())
        rows = con.execute("SELECT doc_id, char_start, char_end, text FROM sentences").fetchall()
    spans: dict[str, list[tuple[int, int, str]]] = {doc_id: [] for doc_id in raw_texts}
    for doc_id, start, end, text in rows:
        spans.setdefault(doc_id, []).append((start, end, text))
    broken = {doc_id: lineage_violations(raw_texts.get(doc_id, ""), doc_spans) for doc_id, doc_spans in spans.items()}
    assert {doc_id: problems for doc_id, problems in broken.items() if problems} == {}
    assert all(spans.values())


@pytest.fixture
def spans_trace_back() -> Callable[[Path], None]:
    """`assert_spans_trace_back`, for tests."""
    return assert_spans_trace_back


def write_articles(seeds_dir: Path, first: int, count: int, revision: int = 0) -> None:
    """`count` distinct articles made from the seed articles' text, numbered from `first`."""
    texts = [path.read_text(encoding="utf-8") for path in sorted(seeds_dir.glob("0*.txt"))]
    for number in range(first, first + count):
        headline = f"Report {number}" + (f", revision {revision}" if revision else "")
        (seeds_dir / f"article_{number:04d}.txt").write_text(f"{headline}\n\n{texts[number % 5]}", encoding="utf-8")


@pytest.fixture
def articles() -> Callable[..., None]:
    """`write_articles`, for tests."""
    return write_articles


def start_cli_run(seeds_dir: Path, warehouse_dir: Path, dagster_home: Path, hash_seed: int) -> subprocess.Popen[str]:
    """`newsevents run` (what `make run` starts) in its own process group, which a test may kill whole."""
    env = {
        **os.environ,
        "SEEDS_DIR": str(seeds_dir),
        "WAREHOUSE_DIR": str(warehouse_dir),
        "DAGSTER_HOME": str(dagster_home),
        "PYTHONHASHSEED": str(hash_seed),  # set and dict order must not leak into the rows
    }
    write_instance_settings(dagster_home)
    return subprocess.Popen(
        [sys.executable, "-m", "assets.cli", "run"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip


@pytest.fixture
def cli_run() -> Callable[..., subprocess.Popen[str]]:
    """`start_cli_run`, for tests."""
    return start_cli_run


@pytest.fixture
def snapshot() -> Callable[[Path], Snapshot]:
    """`consistent_snapshot`, for tests (conftest modules cannot be imported by name)."""
    return consistent_snapshot


@pytest.fixture
def table_hash() -> Callable[[Path], str]:
    """`content_hash`, for tests."""
    return content_hash


# ---------------------------------------------------------------------------------------------
# An ordinary user's permissions
# ---------------------------------------------------------------------------------------------

# Linux capabilities that let root read and write any file whatever its mode.
CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH = 1, 2
_CAPABILITY_VERSION_3 = 0x20080522


class _CapHeader(ctypes.Structure):
    _fields_ = (("version", ctypes.c_uint32), ("pid", ctypes.c_int))


class _CapData(ctypes.Structure):
    _fields_ = (("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32), ("inheritable", ctypes.c_uint32))


def _set_file_override(enabled: bool) -> None:
    """Raise or drop this thread's file-permission override (threads it starts inherit the setting)."""
    libc = ctypes.CDLL(None, use_errno=True)
    header, data = _CapHeader(_CAPABILITY_VERSION_3, 0), (_CapData * 2)()
    if libc.capget(ctypes.byref(header), data) != 0:
        raise OSError(ctypes.get_errno(), "capget failed")
    bits = (1 << CAP_DAC_OVERRIDE) | (1 << CAP_DAC_READ_SEARCH)
    data[0].effective = data[0].effective | bits if enabled else data[0].effective & ~bits
    if libc.capset(ctypes.byref(header), data) != 0:
        raise OSError(ctypes.get_errno(), "capset failed")


@contextmanager
def ordinary_user_permissions() -> Iterator[None]:
    """File modes apply to this thread as they do to any user: root's override is dropped for the
    block (and restored after), so a mode-0 file is unreadable and a read-only folder unwritable."""
    if os.geteuid() != 0:
        yield
        return
    _set_file_override(False)
    try:
        yield
    finally:
        _set_file_override(True)


@pytest.fixture
def ordinary_user() -> Callable[[], AbstractContextManager[None]]:
    """`ordinary_user_permissions`, for tests."""
    return ordinary_user_permissions


# ---------------------------------------------------------------------------------------------
# A disk that fills up
# ---------------------------------------------------------------------------------------------


class SmallDisk:
    """A real file system of a few megabytes that a test fills up to see writes fail with ENOSPC."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.filler = path / "filler"

    def fill(self, leave: int = 0) -> None:
        """Take all the free space but `leave` bytes."""
        self.free()
        info = os.statvfs(self.path)
        with open(self.filler, "wb") as handle:
            os.posix_fallocate(handle.fileno(), 0, max(info.f_bavail * info.f_frsize - leave, 1))

    def free(self) -> None:
        self.filler.unlink(missing_ok=True)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[SmallDisk]:
    """A 32 MB tmpfs mounted for the test. Mounting needs root and the right to mount (a container
    may not grant it); without them the test is skipped, as nothing short of a real file system
    gives a real ENOSPC."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    command = ["mount", "-t", "tmpfs", "-o", "size=32m,mode=0755", "tmpfs", str(mount_point)]
    if os.geteuid() != 0 or subprocess.run(command, capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root and mount rights)")
    try:
        yield SmallDisk(mount_point)
    finally:
        subprocess.run(["umount", "--lazy", str(mount_point)], check=True)


# ---------------------------------------------------------------------------------------------
# Figures of the stress runs
# ---------------------------------------------------------------------------------------------

FIGURES: Counter[str] = Counter()
FIGURE_NAMES = {
    "inputs": "inputs tried",
    "faults": "faults injected",
    "reader_seconds": "readers x seconds held",
    "rows_lost": "rows lost",
}


@pytest.fixture
def figures() -> Counter[str]:
    """The session's figures; stress tests add to them and the terminal summary prints them."""
    return FIGURES


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if FIGURES:
        terminalreporter.section("reliability figures")
        for key, label in FIGURE_NAMES.items():
            terminalreporter.write_line(f"{label:<24} {FIGURES[key]:g}")
        for key in sorted(set(FIGURES) - set(FIGURE_NAMES)):
            terminalreporter.write_line(f"{key:<24} {FIGURES[key]:g}")
