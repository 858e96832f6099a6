"""`newsevents`: `run` (the command behind `make run`) and `status` in a fresh process as a person runs
them; `sql` and `explain` through `main(argv)` against the seeds warehouse."""

import csv
import hashlib
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from assets.cli import main
from assets.commands import _span_to_process
from warehouse.database import DATABASE_FILE, table_counts
from warehouse.explain import Span, mark_up
from warehouse.query import run_query

# `newsevents run` with the documents asset logging its progress every 2 files instead of every 500.
RUN_WITH_FREQUENT_PROGRESS = (
    "import sys, assets.documents; assets.documents.PROGRESS_EVERY = 2; "
    "from assets.cli import main; sys.exit(main(sys.argv[1:]))"
)


def run_cli(
    seeds_dir: Path, warehouse_dir: Path, dagster_home: Path, command: str = "run", frequent_progress: bool = False
) -> subprocess.CompletedProcess[str]:
    dagster_home.mkdir(exist_ok=True)
    env = {
        **os.environ,
        "SEEDS_DIR": str(seeds_dir),
        "WAREHOUSE_DIR": str(warehouse_dir),
        "DAGSTER_HOME": str(dagster_home),
    }
    program = ["-c", RUN_WITH_FREQUENT_PROGRESS] if frequent_progress else ["-m", "assets.cli"]
    return subprocess.run([sys.executable, *program, command], env=env, capture_output=True, text=True, timeout=300)


def test_run_builds_the_warehouse_then_forgets_a_deleted_file_and_reports_a_rejected_one(
    seeds_dir: Path, warehouse_dir: Path, tmp_path: Path
) -> None:
    home = tmp_path / "dagster_home"
    done = run_cli(seeds_dir, warehouse_dir, home, frequent_progress=True)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Run succeeded" in done.stdout
    assert re.search(r"checks +\d+ passed, 0 failed", done.stdout)
    progress = re.findall(r"^\[ *[0-9.]+ s\] (\w+) +(.*)$", done.stderr, re.MULTILINE)
    stages = [stage for stage, message in progress if message == "started"]
    assert stages[:4] == ["seed_documents", "resolved_entities", "coded_events", "news_duckdb"]
    assert ("seed_documents", "2 of 5 files processed") in progress
    assert ("seed_documents", "4 of 5 files processed") in progress
    assert ("seed_documents", "5 files accepted, 0 rejected") in progress
    assert all(any(s == stage and m.startswith("done in ") for s, m in progress) for stage in stages)
    assert "documents          5 rows" in done.stdout
    assert str(warehouse_dir / "news.duckdb") in done.stdout
    assert table_counts(warehouse_dir)["sentences"] == 116
    (seeds_dir / "000_a267781117031075.txt").unlink()
    (seeds_dir / "empty.txt").write_bytes(b"")
    done = run_cli(seeds_dir, warehouse_dir, home)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "Rejected empty.txt: The file is empty (0 bytes)." in done.stderr
    assert re.search(r"5 seed files in .*, 1 to process", done.stderr)  # the new file alone
    counts = table_counts(warehouse_dir)
    assert (counts["documents"], counts["rejected_documents"], counts["sentences"]) == (4, 1, 98)
    assert counts["entity_mentions"] == counts["mention_candidates"] > 0
    status = run_cli(seeds_dir, warehouse_dir, home, "status")
    assert status.returncode == 0, status.stderr[-3000:]
    assert "files         5 (0 not in the warehouse yet, 0 changed since processed, 0 gone but still in it)" in (
        status.stdout
    )
    assert "partitions    5 in seed_files (0 files without one, 0 without a file)" in status.stdout
    assert re.search(r"news_duckdb +\d{4}-\d\d-\d\d \d\d:\d\d:\d\d in run \w{8}", status.stdout)
    assert "documents            4" in status.stdout
    assert "Rejected files  1" in status.stdout
    assert re.search(r"empty\.txt +\| empty +\| The file is empty \(0 bytes\)\.", status.stdout)
    (seeds_dir / "late.txt").write_text("Late news\n\nRussia and Turkey met in Astana on Monday.\n")
    status = run_cli(seeds_dir, warehouse_dir, home, "status")
    assert "files         6 (1 not in the warehouse yet" in status.stdout
    assert "(1 files without one, 0 without a file)" in status.stdout


def test_a_missing_seeds_folder_is_a_clear_error(warehouse_dir: Path, tmp_path: Path) -> None:
    done = run_cli(tmp_path / "nowhere", warehouse_dir, tmp_path / "dagster_home")
    assert done.returncode == 2
    assert "does not exist" in done.stderr and not warehouse_dir.exists()


@pytest.fixture
def seeds_env(seeds_warehouse: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The environment pointing the command line at the session's seeds warehouse and its seeds."""
    monkeypatch.setenv("WAREHOUSE_DIR", str(seeds_warehouse))
    monkeypatch.setenv("SEEDS_DIR", str(seeds_warehouse.parent / "seeds"))
    return seeds_warehouse


def held_files() -> list[str]:
    """The files this process holds open."""
    return [os.readlink(fd) for fd in Path("/proc/self/fd").iterdir() if fd.is_symlink()]


def test_sql_prints_a_table_and_never_holds_the_file(seeds_env: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["sql", "SELECT name, n_documents FROM entities WHERE name IN ('Russia', 'Astana') ORDER BY name"]) == 0
    assert capsys.readouterr().out == (
        "name   | n_documents\n-------+------------\nAstana |           5\nRussia |           5\n(2 rows)\n"
    )
    assert not [path for path in held_files() if path.endswith(DATABASE_FILE)]


def test_output_cut_short_by_its_reader_is_no_error(seeds_env: Path, tmp_path: Path) -> None:
    """`newsevents status | head -1`: the pipe closes early; no traceback, exit status 0."""
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path)}
    command = [sys.executable, "-m", "assets.cli", "status"]
    with subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        process.stdout.readline()
        process.stdout.close()
        assert process.wait(timeout=60) == 0
        assert b"Traceback" not in process.stderr.read()


def test_sql_prints_csv_and_json(seeds_env: Path, capsys: pytest.CaptureFixture) -> None:
    query = (
        "SELECT name, aliases, latitude FROM entities WHERE name IN ('Alexander Lavrentiev', 'Astana') ORDER BY name"
    )
    assert main(["sql", "--csv", query]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0] == ["name", "aliases", "latitude"]
    query = "SELECT name, aliases, latitude FROM entities WHERE name IN ('Alexander Lavrentiev', 'Astana') ORDER BY 1"
    assert main(["sql", "--json", query]) == 0
    records = json.loads(capsys.readouterr().out)
    assert records[0]["latitude"] is None and "Alexander Lavrentyev" in records[0]["aliases"]
    assert records[1]["name"] == "Astana" and records[1]["latitude"] == pytest.approx(51.18, abs=0.05)


def test_sql_runs_a_query_file_with_parameters(seeds_env: Path, capsys: pytest.CaptureFixture) -> None:
    [(event_id,)] = run_query(seeds_env, "SELECT event_id FROM events WHERE event_type = 'REJECT'").rows
    query = Path(__file__).resolve().parents[2] / "warehouse" / "queries" / "07_provenance_of_one_event.sql"
    assert main(["sql", "--file", str(query), "--param", f"event_id={event_id}", "--json"]) == 0
    parts = {part["part"]: part for part in json.loads(capsys.readouterr().out)}
    assert parts["event"]["trigger"] == "voiced their opposition" and parts["actor"]["what"] == "Iran"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("SELEC 1", 'syntax error at or near "SELEC"'),
        ("SELECT * FROM no_such_table", "Table with name no_such_table does not exist"),
        ("DELETE FROM documents", "read-only mode"),
    ],
)
def test_bad_sql_is_a_clear_error_and_exit_status_1(
    seeds_env: Path, capsys: pytest.CaptureFixture, query: str, message: str
) -> None:
    assert main(["sql", query]) == 1
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.startswith("newsevents sql: ") and message in captured.err
    assert run_query(seeds_env, "SELECT count(*) FROM documents").rows == [(5,)]


def test_a_missing_warehouse_is_a_clear_error_and_exit_status_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("WAREHOUSE_DIR", str(tmp_path / "nowhere"))
    assert main(["sql", "SELECT 1"]) == 2
    assert main(["explain", "some-event"]) == 2
    err = capsys.readouterr().err
    assert f"There is no warehouse at {tmp_path / 'nowhere' / DATABASE_FILE}" in err and "newsevents run" in err
    assert not (tmp_path / "nowhere").exists()


def test_explain_marks_the_trigger_participants_and_proves_the_offsets(
    seeds_env: Path, capsys: pytest.CaptureFixture
) -> None:
    [(event_id,)] = run_query(seeds_env, "SELECT event_id FROM events WHERE event_type = 'REJECT'").rows
    assert main(["explain", event_id]) == 0
    out = capsys.readouterr().out
    seed = seeds_env.parent / "seeds" / "004_f2fc37828fe0a249.txt"
    assert "seed file     004_f2fc37828fe0a249.txt (utf-8)" in out
    assert f"sha256        {hashlib.sha256(seed.read_bytes()).hexdigest()}" in out
    assert "same SHA-256 ✓" in out
    assert (
        "[Iranian](actor: Iran) officials had [voiced their opposition](trigger: REJECT) to "
        "[US](recipient: United States) being a party to the talks" in out
    )
    raw = seed.read_bytes().decode("utf-8")
    checks = re.findall(r"raw_text\[(\d+):(\d+)\] = '([^']*)' == stored text ✓", out)
    assert {text for _, _, text in checks} == {"Iranian", "voiced their opposition", "US"}
    assert all(raw[int(start) : int(end)] == text for start, end, text in checks)
    assert "✗" not in out and "\x1b[" not in out  # no colours when the output is not a terminal


def test_explain_a_mention(seeds_env: Path, capsys: pytest.CaptureFixture) -> None:
    [(mention_id,)] = run_query(seeds_env, "SELECT mention_id FROM entity_mentions WHERE text = 'Sedat Onal'").rows
    assert main(["explain", "--mention", mention_id]) == 0
    out = capsys.readouterr().out
    assert "PERSON -> entity Sedal Önal" in out  # 000 spells him Sedal Önal, 004 Sedat Onal
    assert "led by Turkish Undersecretary of the Foreign Ministry [Sedat Onal](mention)." in out
    assert re.search(r"raw_text\[\d+:\d+\] = 'Sedat Onal' == stored text ✓", out)


def test_explain_an_unknown_id_is_exit_status_1(seeds_env: Path, capsys: pytest.CaptureFixture) -> None:
    assert main(["explain", "no-such-event"]) == 1
    assert main(["explain", "--mention", "no-such-mention"]) == 1
    err = capsys.readouterr().err
    assert "No event 'no-such-event'" in err and "No mention 'no-such-mention'" in err


def test_marks_are_coloured_for_a_terminal_and_skip_overlaps() -> None:
    raw = "Russia met Turkey in Astana."
    spans = [Span("actor", "Russia", 0, 6, "Russia"), Span("trigger", "CONSULT", 7, 10, "met"),
             Span("place", "Astana", 21, 27, "Astana"), Span("recipient", "Russia", 0, 3, "Rus")]  # fmt: skip
    assert mark_up(raw, (0, 28), spans, colour=False) == (
        "[Russia](actor: Russia) [met](trigger: CONSULT) Turkey in [Astana](place: Astana)."
    )
    coloured = mark_up(raw, (0, 28), spans, colour=True)
    assert coloured.startswith("\x1b[1;32mRussia\x1b[0m\x1b[2m(actor: Russia)\x1b[0m")
    assert "\x1b[1;36mAstana\x1b[0m" in coloured


@pytest.mark.parametrize(
    ("changed", "span"),
    [(set(), []), ({"c"}, ["c"]), ({"b", "d"}, ["b", "c", "d"]), ({"a", "e"}, ["a", "b", "c", "d", "e"])],
)
def test_run_processes_the_partitions_from_the_first_changed_to_the_last(changed: set[str], span: list[str]) -> None:
    assert _span_to_process(["a", "b", "c", "d", "e"], changed) == span
