"""`make bench` (`python -m bench.run --n 1000`): the pipeline's speed, memory and query times on N
generated articles, against the floors, in one table.

Everything runs in a temporary folder (seeds, warehouse, Dagster instance), each measured part in
its own child process so its peak RSS is its own: the floors, the per-document stages on one core,
the end-to-end run (`newsevents run`, what `make run` does: one Dagster run over every partition),
the sensor and `make run` on the built warehouse with one file added, changed and deleted, one file
added with `dagster-daemon` running (the sensor's ticks, the run queue and a process per run, as with
`make ui`), and the README's example queries, `warehouse/queries/*.sql` and every view, median of
several runs each.
"""

import argparse
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from itertools import chain
from pathlib import Path

import dagster as dg
import duckdb
from dagster._core.instance import InstanceRef

from assets.instance import write_instance_settings
from assets.sensors import SENSOR_INTERVAL_SECONDS
from bench.corpus import article_name, generate, gum_sources, make_article, name_pool, seed_sources
from bench.measure import Measured, median, python_module, run_measured
from pipelines.gum import GUM_NEWS
from warehouse.database import database_path
from warehouse.dictionary import QUERIES_DIR

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SQL_BLOCK = re.compile(r"```sql\n(.*?)```", re.DOTALL)
PARAMETER = re.compile(r"\$([a-z_]+)")
# The targets, on two cores and 10,000 articles.
TARGET_SECONDS, TARGET_RATIO, TARGET_RSS_MB = 120, 4, 2048
TARGET_QUERYABLE, TARGET_WORK, TARGET_QUERY_MS = 15, 5, 200
# Files dropped in one at a time with the daemon running.
DROPS = 3
# Dagster's default limit for one sensor evaluation.
SENSOR_TIMEOUT_SECONDS = 60


class Table:
    """The printed table: a header, then rows of a label and figures."""

    def __init__(self, n: int, words: int) -> None:
        self.n, self.words = n, words

    def section(self, title: str) -> None:
        print(f"\n{title}")

    def rate_row(self, label: str, seconds: float, rss_mb: float | str = "", n: int | None = None) -> None:
        n = self.n if n is None else n
        rss = f"{rss_mb:>10.0f}" if isinstance(rss_mb, float) else f"{rss_mb:>10}"
        docs, words = n / seconds if seconds else 0, self.words * n / self.n / seconds if seconds else 0
        print(f"  {label:<52} {seconds:>9.2f} {docs:>9.0f} {words:>11.0f} {rss}")

    def line(self, label: str, value: str) -> None:
        print(f"  {label:<52} {value}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench", description=__doc__)
    parser.add_argument("--n", type=int, default=1000, help="articles to generate (default 1000)")
    parser.add_argument("--seed", type=int, default=6, help="the generator's seed")
    parser.add_argument("--gum", type=Path, default=GUM_NEWS, help="GUM news CoNLL-U folder (skipped if absent)")
    parser.add_argument("--repeats", type=int, default=5, help="runs of each query and idle tick (median)")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder and say where it is")
    args = parser.parse_args(argv)
    root = Path(tempfile.mkdtemp(prefix="newsevents-bench-"))
    try:
        run_benchmark(root, args)
    finally:
        if args.keep:
            print(f"\nkept {root}")
        else:
            shutil.rmtree(root, ignore_errors=True)
    return 0


def run_benchmark(root: Path, args: argparse.Namespace) -> None:
    seeds, warehouse, home = root / "seeds", root / "warehouse", root / "dagster_home"
    write_instance_settings(home)
    env = {"SEEDS_DIR": str(seeds), "WAREHOUSE_DIR": str(warehouse), "DAGSTER_HOME": str(home)}
    written = generate(seeds, args.n, PROJECT_ROOT / "seeds", args.gum, args.seed)
    words = sum(len(path.read_text(encoding="utf-8").split()) for path in written)
    size_mb = sum(path.stat().st_size for path in seeds.iterdir()) / 1e6
    table = Table(args.n, words)
    print(f"newsevents benchmark: N = {args.n} articles, {words} words, {size_mb:.1f} MB; {os.cpu_count()} cores")
    print(f"  {'':<52} {'wall s':>9} {'docs/s':>9} {'words/s':>11} {'peak RSS MB':>10}")

    table.section("Floors (one process)")
    floor_a = run_measured(python_module("bench.probes", "floor-parquet", str(seeds), str(root / "floor.parquet")))
    table.rate_row("(a) read every file, write its bytes to Parquet", floor_a.seconds, floor_a.peak_rss_mb)
    floor_b = run_measured(python_module("bench.probes", "floor-tokenize", str(seeds)))
    table.rate_row("(b) spaCy blank('en') + sentencizer, nlp.pipe", floor_b.seconds, floor_b.peak_rss_mb)

    table.section("Stages (one process, one core; peak RSS while in the stage)")
    staged = run_measured(python_module("bench.probes", "stages", str(seeds), str(root / "staged")))
    for stage, figures in staged.result["stages"].items():
        table.rate_row(stage, figures["seconds"], figures["peak_rss_mb"])

    table.section("End to end: `newsevents run` (what `make run` does), one Dagster run over all partitions")
    full = run_measured([sys.executable, "-m", "assets.cli", "run"], env=env, cwd=PROJECT_ROOT)
    table.rate_row("end to end (peak RSS: largest process)", full.seconds, full.peak_rss_mb)
    table.line("  peak RSS of the process tree, summed", f"{full.tree_peak_mb:.0f} MB")
    for step, seconds in _step_seconds(home).items():
        table.line(f"  step {step}", f"{seconds:.2f} s")
    ratio = full.seconds / floor_b.seconds
    table.line("ratio end to end / floor (b)", f"{ratio:.1f}x")

    table.section(f"Incremental, on the {args.n}-article warehouse (sensor ticked and its runs executed in-process)")
    sources = seed_sources(PROJECT_ROOT / "seeds") + gum_sources(args.gum)
    pool = name_pool(sources)
    # Texts for the file added, the file changed, the file `make run` finds, and the daemon's files.
    texts = [make_article(args.n + k, sources, pool, args.seed) for k in range(3 + DROPS)]
    probe = python_module("bench.probes", "incremental", str(seeds), str(warehouse), *texts[:2], str(args.repeats))
    result = run_measured(probe, env=env).result
    table.line(f"idle tick over {result['files']} unchanged files (median)", f"{result['idle_tick']:.2f} s")
    for change in ("add", "change", "delete"):
        figures = result[change]
        table.line(
            f"{change} one file: queryable after",
            f"{figures['queryable']:.2f} s (tick {figures['tick']:.2f} s, run {figures['run']:.2f} s)",
        )
    (seeds / article_name(args.n + 1)).write_text(texts[2], encoding="utf-8")
    again = run_measured([sys.executable, "-m", "assets.cli", "run"], env=env, cwd=PROJECT_ROOT)
    table.line("`make run` after one new file: queryable after", f"{again.seconds:.2f} s")
    drops = [(article_name(args.n + 2 + k), text) for k, text in enumerate(texts[3:])]
    daemon = run_measured(
        python_module("bench.probes", "with-daemon", str(seeds), str(warehouse), *chain.from_iterable(drops)), env=env
    ).result
    table.line(
        f"dagster-daemon running, {len(drops)} files one by one: queryable",
        f"median {median(daemon['queryable']):.2f} s, max {max(daemon['queryable']):.2f} s (run requested "
        f"{_spread(daemon['requested'])}, started {_spread(daemon['started'])}, run {_spread(daemon['run'])} s; "
        f"sensor every {SENSOR_INTERVAL_SECONDS} s)",
    )

    table.section(f"SQL on the {args.n}-article warehouse (median of {args.repeats} runs, read-only connection)")
    timings = _query_timings(warehouse, args.repeats)
    for name, ms in timings.items():
        table.line(name, f"{ms:.1f} ms")

    _print_targets(args.n, full, ratio, result, daemon, timings)


def _step_seconds(home: Path) -> dict[str, float]:
    """Seconds of each step of the latest run in the instance, from its event log."""
    with dg.DagsterInstance.from_ref(InstanceRef.from_dir(str(home))) as instance:
        run = instance.get_runs(limit=1)[0]
        stats = instance.get_run_step_stats(run.run_id)
    return {stat.step_key: (stat.end_time or 0) - (stat.start_time or 0) for stat in stats}


def _queries(warehouse: Path) -> dict[str, str]:
    """The README's example queries, warehouse/queries/*.sql and a SELECT * of every view."""
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    queries = {}
    for block in SQL_BLOCK.findall(readme):
        comment = block.strip().splitlines()[0].removeprefix("-- ")
        queries[f"README: {comment[:40]}"] = block.replace("'warehouse/", f"'{warehouse}/")
    for path in sorted(QUERIES_DIR.glob("*.sql")):
        queries[f"queries/{path.name}"] = path.read_text(encoding="utf-8")
    with duckdb.connect(str(database_path(warehouse)), read_only=True) as con:
        views = [name for (name,) in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall()]
    queries.update({f"view {view}": f"SELECT * FROM {view}" for view in views})
    return queries


def _query_timings(warehouse: Path, repeats: int) -> dict[str, float]:
    """Median milliseconds of each query, run and its whole result fetched into an Arrow table: what
    a client pays for the answer, without a Python tuple per row (fetchall), which for a view of
    800,000 rows costs seconds and measures Python, not the query."""
    print("  (each: executed, whole result fetched into an Arrow table)")
    timings = {}
    with duckdb.connect(str(database_path(warehouse)), read_only=True) as con:
        for name, sql in _queries(warehouse).items():
            values = _parameters(con.cursor(), sql)  # its own cursor: it leaves results unread
            fetch = lambda sql=sql, values=values: con.sql(sql, params=values).to_arrow_table()  # noqa: E731
            timings[name] = median([_timed(fetch) for _ in range(repeats)])
    return timings


def _parameters(con: duckdb.DuckDBPyConnection, sql: str) -> dict[str, object]:
    """A value for each `$name` of a query: the smallest value of the first column of that name."""
    values = {}
    for name in sorted(set(PARAMETER.findall(sql))):
        table = con.execute(
            "SELECT table_name FROM duckdb_columns() WHERE column_name = ? ORDER BY table_name LIMIT 1", [name]
        ).fetchone()[0]
        values[name] = con.execute(f"SELECT min({name}) FROM {table}").fetchone()[0]
    return values


def _spread(values: list[float]) -> str:
    """The least and the most of some seconds, as `a to b`."""
    return f"{min(values):.1f} to {max(values):.1f}"


def _timed(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return (time.perf_counter() - started) * 1000


def _print_targets(
    n: int, full: Measured, ratio: float, incremental: dict, daemon: dict, timings: dict[str, float]
) -> None:
    add = incremental["add"]
    slowest = max(timings, key=timings.get)
    print(f"\nTargets (set for 10,000 articles on 2 cores; this run: {n} articles, {os.cpu_count()} cores)")
    checks = [
        (f"end to end <= {TARGET_SECONDS} s", f"{full.seconds:.1f} s", full.seconds <= TARGET_SECONDS),
        (f"end to end <= {TARGET_RATIO}x floor (b)", f"{ratio:.1f}x", ratio <= TARGET_RATIO),
        (f"peak RSS <= {TARGET_RSS_MB} MB (tree)", f"{full.tree_peak_mb:.0f} MB", full.tree_peak_mb <= TARGET_RSS_MB),
        (f"new file: pipeline work <= {TARGET_WORK} s", f"{add['queryable']:.1f} s", add["queryable"] <= TARGET_WORK),
        (
            f"new file queryable <= {TARGET_QUERYABLE} s with the daemon",
            f"median {median(daemon['queryable']):.1f} s of {len(daemon['queryable'])}",
            median(daemon["queryable"]) <= TARGET_QUERYABLE,
        ),
        (
            f"every query <= {TARGET_QUERY_MS} ms",
            f"slowest {timings[slowest]:.0f} ms ({slowest})",
            timings[slowest] <= TARGET_QUERY_MS,
        ),
        (
            f"idle sensor tick <= its {SENSOR_TIMEOUT_SECONDS} s limit",
            f"{incremental['idle_tick']:.2f} s over {incremental['files']} files",
            incremental["idle_tick"] <= SENSOR_TIMEOUT_SECONDS,
        ),
    ]
    for target, figure, met in checks:
        print(f"  {'met    ' if met else 'NOT MET'}  {target:<46} {figure}")


if __name__ == "__main__":
    sys.exit(main())
