"""Bad input: every kind of awkward seed file, generated here, picked up by one sensor tick and
processed in one run. Each file is accepted with the lineage rule holding, or rejected with a
specific reason; the good seeds of the same run are processed; nothing is read or written outside
the seeds and warehouse folders."""

import codecs
import hashlib
import os
import re
import time
from collections import Counter
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from assets.definitions import build_definitions
from assets.partitions import SEED_FILES
from assets.resources import SeedsFolder, Warehouse
from assets.sensors import seed_files_sensor
from pipelines.documents import process_seed_bytes
from pipelines.text import normalize_text
from warehouse.database import database_path

Snapshot = dict[str, int | None]

ARTICLE = (
    "Talks resume in Astana\n\n"
    "Delegations from Russia, Iran and Turkey met in Astana on Monday. The talks will go on.\n\n"
    "The U.N. envoy said the next round would follow in January.\n"
)
LATIN = "Café talks in Genève\n\nThe délégués met at the café on Monday. « Nous continuons », said the envoy.\n"
WEB_PAGE = (
    '<!DOCTYPE html>\n<html lang="en"><head><title>Talks resume</title></head>\n'
    "<body><p>Delegations met in Astana on Monday.</p><script>track();</script></body></html>\n"
)
ARABIC = "استئناف المحادثات في أستانا\n\nالتقت الوفود في أستانا يوم الاثنين. وستستمر المحادثات.\n"
RUSSIAN = "Переговоры в Астане\n\n«Переговоры начались в понедельник», — сказал он. Делегации прибыли.\n"
CHINESE = "阿斯塔纳会谈恢复\n\n代表团星期一在阿斯塔纳会面。会谈将继续。\n"
SECRET = "Private notes\n\nThis file lies outside the seeds folder and must never be read.\n"
# Odd file names: spaces, unicode, leading dashes, quotes, SQL, percent signs and dots.
ODD_NAMES = (
    "name with spaces.txt", "ünïcødé Астана 北京.txt", "-leading-dash.txt", "--.txt", "quote's \"double\".txt",
    "x'; DROP TABLE documents; --.txt", "100% sure... maybe.txt", "2017/12/nested deeper/article.txt",
)  # fmt: skip
# The words a rejection's reason must hold, by code.
REASON_WORDS = {
    "empty": "empty", "whitespace_only": "whitespace", "binary": "binary", "too_large": "MB limit",
    "no_text": "no article text", "html": "HTML", "symlink_loop": "loops", "symlink_outside": "outside the seeds",
    "unreadable": "permission denied", "missing": "no longer exists",
}  # fmt: skip
# What a warehouse folder may hold after a run; anything else was written where it should not be.
WAREHOUSE_FILES = re.compile(
    r"news\.duckdb|briefing\.html|\.lock|\.commits|\.snapshots|\.snapshots/[a-z_]+\.parquet|parquet|parquet/[a-z_]+"
    r"|parquet/[a-z_]+/(?:[0-9a-f]{16}|_schema|corpus)\.parquet"
)


def long_line(size: int) -> str:
    """One line of `size` characters: numbered sentences, so no two lines repeat each other."""
    sentences = (f"Round {n} of the talks in Astana ended on Monday. " for n in range(size))
    text, length = [], 0
    for sentence in sentences:
        if length >= size:
            break
        text.append(sentence)
        length += len(sentence)
    return "".join(text)


def seconds_per_char(size: int) -> float:
    """How long the per-file pipeline takes per character of a single line of `size` characters."""
    data = long_line(size).encode()
    started = time.perf_counter()
    process_seed_bytes("scaling.txt", data)
    return (time.perf_counter() - started) / size


def bad_inputs(long_line_chars: int) -> dict[str, tuple[bytes, str]]:
    """seed file → (its bytes, what must become of it: `accepted:<encoding>` or `rejected:<code>`)."""
    twenty_mb = ("Long read\n\n" + long_line(1_000_000) + "\n\n") * 20
    return {
        "empty.txt": (b"", "rejected:empty"),
        "whitespace only.txt": (b" \t\r\n \n\x0c ", "rejected:whitespace_only"),
        "binary.txt": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 64, "rejected:binary"),
        "nul bytes.txt": (ARTICLE.replace("Monday", "Mon\x00day").encode(), "rejected:binary"),
        "cp1252.txt": (LATIN.replace("« ", "“").replace(" »", "”").encode("cp1252"), "accepted:cp1252"),
        "latin-1.txt": (LATIN.encode("latin-1") + b"\x81\n", "accepted:latin-1"),
        "utf-8 bom.txt": (codecs.BOM_UTF8 + ARTICLE.encode(), "accepted:utf-8-sig"),
        "utf-16 le bom.txt": (codecs.BOM_UTF16_LE + ARTICLE.encode("utf-16-le"), "accepted:utf-16"),
        "utf-16 be bom.txt": (codecs.BOM_UTF16_BE + ARTICLE.encode("utf-16-be"), "accepted:utf-16"),
        "crlf.txt": (ARTICLE.replace("\n", "\r\n").encode(), "accepted:utf-8"),
        "cr only.txt": (ARTICLE.replace("\n", "\r").encode(), "accepted:utf-8"),
        "20 MB article.txt": (twenty_mb.encode(), "rejected:too_large"),
        "single long line.txt": (long_line(long_line_chars).encode(), "accepted:utf-8"),
        "no title.txt": (b"Delegations met in Astana on Monday. The talks will go on.\n", "accepted:utf-8"),
        "title only.txt": (b"Talks resume in Astana\n", "accepted:utf-8"),  # one line: its own sentence
        "title and date only.txt": (b"Talks resume in Astana\n\n21 December, 2017\n", "rejected:no_text"),
        "all capitals.txt": (ARTICLE.upper().encode(), "accepted:utf-8"),
        "web page saved as text.txt": (WEB_PAGE.encode(), "rejected:html"),
        "arabic.txt": (ARABIC.encode(), "accepted:utf-8"),
        "russian.txt": (RUSSIAN.encode(), "accepted:utf-8"),
        "chinese.txt": (CHINESE.encode(), "accepted:utf-8"),
        **{name: (ARTICLE.encode(), "accepted:utf-8") for name in ODD_NAMES},
        "same content a.txt": (ARTICLE.encode(), "accepted:utf-8"),
        "same content b.txt": (ARTICLE.encode(), "accepted:utf-8"),
        "changes after the tick.txt": (b"First version\n\nIt will be replaced before the run.\n", "accepted:utf-8"),
        "gone after the tick.txt": (ARTICLE.encode(), "rejected:missing"),
        "unreadable.txt": (ARTICLE.encode(), "rejected:unreadable"),
    }


CHANGED = b"Second version\n\nDelegations met again in Astana on Tuesday.\n"


def write_bad_inputs(seeds_dir: Path, long_line_chars: int) -> dict[str, str]:
    """Create every bad input, and the links no bytes describe; returns what must become of each file."""
    expected = {}
    for name, (data, outcome) in bad_inputs(long_line_chars).items():
        path = seeds_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        expected[name] = outcome
    (seeds_dir / "unreadable.txt").chmod(0)
    (seeds_dir / "loop a.txt").symlink_to("loop b.txt")
    (seeds_dir / "loop b.txt").symlink_to("loop a.txt")
    (seeds_dir / "folder loop").symlink_to(".")  # folder links are not followed: no rows, no endless walk
    outside = seeds_dir.parent / "outside secret.txt"
    outside.write_text(SECRET, encoding="utf-8")
    (seeds_dir / "leads outside.txt").symlink_to(outside)
    (seeds_dir / ".hidden.txt").write_bytes(ARTICLE.encode())  # hidden files are not seed files
    (seeds_dir / "notes.md").write_bytes(ARTICLE.encode())  # nor are other suffixes
    return expected | {
        "loop a.txt": "rejected:symlink_loop",
        "loop b.txt": "rejected:symlink_loop",
        "leads outside.txt": "rejected:symlink_outside",
    }


def change_after_the_tick(seeds_dir: Path) -> None:
    (seeds_dir / "changes after the tick.txt").write_bytes(CHANGED)
    (seeds_dir / "gone after the tick.txt").unlink()


def tick_then_run(
    instance: dg.DagsterInstance, seeds_dir: Path, warehouse_dir: Path, between: Callable[[], None]
) -> list[dg.ExecuteInProcessResult]:
    """What the daemon does: one sensor tick, its partitions added; `between` runs; then every run it asked for."""
    resources = {"seeds": SeedsFolder(path=str(seeds_dir)), "warehouse": Warehouse(path=str(warehouse_dir))}
    tick = seed_files_sensor(dg.build_sensor_context(instance=instance, resources=resources))
    for request in tick.dynamic_partitions_requests:
        instance.add_dynamic_partitions(SEED_FILES, list(request.partition_keys))
    between()
    defs = build_definitions(**resources)
    return [
        defs.resolve_job_def(request.job_name).execute_in_process(instance=instance, tags=request.tags)
        for request in tick.run_requests
    ]


def file_tree(folder: Path, skip: Path) -> dict[str, tuple[int, int]]:
    """Every file (and link) below `folder` except under `skip`, with its size and mtime."""
    files = [path for path in folder.rglob("*") if not path.is_relative_to(skip) and not path.is_dir()]
    return {str(path): (path.lstat().st_size, path.lstat().st_mtime_ns) for path in files}


def outcomes(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    accepted = con.execute("SELECT seed_file, 'accepted:' || encoding FROM documents").fetchall()
    rejected = con.execute("SELECT seed_file, 'rejected:' || rejection_code FROM rejected_documents").fetchall()
    return dict(accepted + rejected)


def assert_rejections_explain_themselves(con: duckdb.DuckDBPyConnection) -> None:
    rejections = con.execute("SELECT seed_file, rejection_code, reason FROM rejected_documents").fetchall()
    for seed_file, code, reason in rejections:
        assert reason.endswith(".") and REASON_WORDS[code] in reason, (seed_file, code, reason)


def assert_raw_text_is_the_decoded_file(con: duckdb.DuckDBPyConnection, seeds_dir: Path) -> None:
    """raw_text is the file's bytes decoded with `encoding`, nothing else changed; the title traces back."""
    documents = con.execute(
        "SELECT seed_file, encoding, raw_text, title, title_char_start, title_char_end FROM documents"
    ).fetchall()
    for seed_file, encoding, raw_text, title, title_start, title_end in documents:
        assert (seeds_dir / seed_file).read_bytes().decode(encoding) == raw_text, seed_file
        assert title is None or normalize_text(raw_text[title_start:title_end]) == title, seed_file


def sentence_texts(con: duckdb.DuckDBPyConnection, seed_file: str) -> list[str]:
    query = "SELECT text FROM sentences JOIN documents USING (doc_id) WHERE seed_file = ? ORDER BY sentence_idx"
    return [text for (text,) in con.execute(query, [seed_file]).fetchall()]


def assert_files_that_hold_one_article_agree(con: duckdb.DuckDBPyConnection) -> None:
    """Two names for the same bytes are two documents of one content; CRLF and CR newlines give the
    LF file's sentences; the file changed after the tick has its new bytes; the file a link points
    to outside the seeds folder was never read."""
    same = con.execute("SELECT count(DISTINCT doc_id), count(DISTINCT seed_sha256) FROM documents "
                       "WHERE seed_file LIKE 'same content _.txt'").fetchone()  # fmt: skip
    assert same == (2, 1)
    lf = sentence_texts(con, "same content a.txt")
    assert sentence_texts(con, "crlf.txt") == sentence_texts(con, "cr only.txt") == lf
    changed = "SELECT seed_sha256 FROM documents WHERE seed_file = 'changes after the tick.txt'"
    assert con.execute(changed).fetchone()[0] == hashlib.sha256(CHANGED).hexdigest()
    secret = "SELECT count(*) FROM documents WHERE raw_text LIKE '%outside the seeds folder and must never%'"
    assert con.execute(secret).fetchone()[0] == 0


def run_bad_inputs(
    instance: dg.DagsterInstance,
    seeds_dir: Path,
    warehouse_dir: Path,
    long_line_chars: int,
    ordinary_user: Callable[[], AbstractContextManager[None]],
    snapshot: Callable[[Path], Snapshot],
    spans_trace_back: Callable[[Path], None],
) -> int:
    """Every bad input and the seeds in one tick and one run, then every check above; returns the
    number of files tried."""
    expected = {name: "accepted:utf-8" for name in os.listdir(seeds_dir)} | write_bad_inputs(seeds_dir, long_line_chars)
    before = file_tree(seeds_dir.parent, skip=warehouse_dir)
    with ordinary_user():
        results = tick_then_run(instance, seeds_dir, warehouse_dir, lambda: change_after_the_tick(seeds_dir))
    assert len(results) == 1 and results[0].success
    snapshot(database_path(warehouse_dir))
    spans_trace_back(database_path(warehouse_dir))
    with duckdb.connect(str(database_path(warehouse_dir)), read_only=True) as con:
        assert outcomes(con) == expected
        assert_rejections_explain_themselves(con)
        assert_raw_text_is_the_decoded_file(con, seeds_dir)
        assert_files_that_hold_one_article_agree(con)
    after = file_tree(seeds_dir.parent, skip=warehouse_dir)
    changed_by_the_test = {str(seeds_dir / "changes after the tick.txt"), str(seeds_dir / "gone after the tick.txt")}
    assert {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)} == changed_by_the_test
    written = [path.relative_to(warehouse_dir).as_posix() for path in warehouse_dir.rglob("*")]
    assert [path for path in written if not WAREHOUSE_FILES.fullmatch(path)] == []
    return len(expected)


def test_every_bad_input_is_processed_or_rejected_with_a_reason_and_the_rest_go_on(
    instance: dg.DagsterInstance,
    seeds_dir: Path,
    warehouse_dir: Path,
    ordinary_user: Callable[[], AbstractContextManager[None]],
    snapshot: Callable[[Path], Snapshot],
    spans_trace_back: Callable[[Path], None],
) -> None:
    # A single line of 20 KB; the stress variant has the 5 MB one.
    run_bad_inputs(instance, seeds_dir, warehouse_dir, 20_000, ordinary_user, snapshot, spans_trace_back)


@pytest.mark.stress
def test_stress_every_bad_input_with_a_5_mb_line(
    instance: dg.DagsterInstance,
    seeds_dir: Path,
    warehouse_dir: Path,
    ordinary_user: Callable[[], AbstractContextManager[None]],
    snapshot: Callable[[Path], Snapshot],
    spans_trace_back: Callable[[Path], None],
    figures: Counter[str],
) -> None:
    process_seed_bytes("warm-up.txt", ARTICLE.encode())  # loads the gazetteers once
    small, large = seconds_per_char(20_000), seconds_per_char(80_000)
    assert large < 2 * small, (
        f"one paragraph takes time quadratic in its length ({small * 1e6:.0f} µs per character at 20 KB, "
        f"{large * 1e6:.0f} at 80 KB): a 5 MB line would not finish"
    )
    tried = run_bad_inputs(instance, seeds_dir, warehouse_dir, 5_000_000, ordinary_user, snapshot, spans_trace_back)
    figures["inputs"] += tried
