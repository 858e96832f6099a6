"""What the benchmark runs in child processes, one probe per process so each one's memory is its own:
`python -m bench.probes <probe> <args>`; each prints its figures with `bench.measure.report`."""

import os
import signal
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import dagster as dg
import pyarrow as pa
import pyarrow.parquet as pq

from assets.database import news_duckdb
from assets.definitions import build_definitions
from assets.entities import resolved_entities
from assets.events import coded_events
from assets.partitions import sync_seed_partitions
from assets.resources import SeedsFolder, Warehouse
from assets.sensors import SENSOR_INTERVAL_SECONDS, apply_partition_requests, seed_files_sensor
from bench.corpus import article_name
from bench.measure import median, report
from pipelines import documents
from pipelines.documents import DocumentOutcome
from pipelines.ingest import list_seed_files
from warehouse.database import connect_read_only, database_path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# How long the daemon may take to start, and a dropped file to become queryable, before the probe gives up.
DAEMON_START_SECONDS, QUERYABLE_LIMIT_SECONDS = 120, 300
# The daemons the sensor's runs need: the sensor's ticks and the run queue.
DAEMONS_NEEDED = {"SENSOR", "QUEUED_RUN_COORDINATOR"}
POLL_SECONDS = 0.1
# Floor (a) writes the files' bytes in row groups of this many files.
FLOOR_BATCH = 1000
# The per-document stages: the functions of pipelines.documents each one times.
STAGES: dict[str, tuple[str, ...]] = {
    "ingest": ("read_seed_file", "decode_seed_bytes"),
    "clean": ("clean_article",),
    "sentences": ("parse_paragraphs", "split_sentences"),
    "entities": ("recognize_mentions",),
    "events": ("infer_anchor", "extract_events"),
}
QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


def peak_rss_reset() -> None:
    """Start a new peak-RSS window for this process (Linux: VmHWM := VmRSS)."""
    Path("/proc/self/clear_refs").write_text("5")


def peak_rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


class StageClock:
    """Seconds and the peak RSS of each stage, accumulated over every call of its functions."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.peak_mb: dict[str, float] = defaultdict(float)

    def timed(self, stage: str, function: Callable[..., Any]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            peak_rss_reset()
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[stage] += time.perf_counter() - started
                self.peak_mb[stage] = max(self.peak_mb[stage], peak_rss_mb())

        return call

    def figures(self) -> dict[str, dict[str, float]]:
        return {stage: {"seconds": self.seconds[stage], "peak_rss_mb": self.peak_mb[stage]} for stage in self.seconds}


def floor_parquet(seeds_dir: str, out: str) -> None:
    """Floor (a): read every file and write its bytes to one Parquet file, a row group at a time."""
    schema = pa.schema([("seed_file", pa.string()), ("data", pa.binary())])
    files = list(list_seed_files(Path(seeds_dir)))
    with pq.ParquetWriter(out, schema, compression="zstd") as writer:
        for first in range(0, len(files), FLOOR_BATCH):
            batch = files[first : first + FLOOR_BATCH]
            data = [(Path(seeds_dir) / seed_file).read_bytes() for seed_file in batch]
            writer.write_table(pa.table({"seed_file": batch, "data": data}, schema=schema))
    report({"files": len(files)})


def floor_tokenize(seeds_dir: str) -> None:
    """Floor (b): spaCy's blank English tokenizer and its rule sentencizer over every file, with nlp.pipe."""
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    files = list(list_seed_files(Path(seeds_dir)))
    texts = ((Path(seeds_dir) / seed_file).read_text(encoding="utf-8") for seed_file in files)
    tokens = sentences = 0
    for doc in nlp.pipe(texts, batch_size=256):
        tokens += len(doc)
        sentences += sum(1 for _ in doc.sents)
    report({"files": len(files), "tokens": tokens, "sentences": sentences})


def stages(seeds_dir: str, warehouse_dir: str) -> None:
    """The per-document stages in one process on one core, each timed, then the corpus stages."""
    clock = StageClock()
    for stage, names in STAGES.items():
        for name in names:
            setattr(documents, name, clock.timed(stage, getattr(documents, name)))
    seeds, warehouse = SeedsFolder(path=seeds_dir), Warehouse(path=warehouse_dir)
    files = seeds.files()
    pipeline_seconds = 0.0

    def outcomes() -> Iterator[DocumentOutcome]:
        nonlocal pipeline_seconds
        for seed_file in files:
            began = time.perf_counter()
            outcome = documents.process_seed_file(seeds.root, seed_file, seeds.max_bytes)
            pipeline_seconds += time.perf_counter() - began
            yield outcome

    started = time.perf_counter()
    for _ in warehouse.store_all(outcomes()):
        pass
    stored = time.perf_counter() - started - pipeline_seconds
    figures = clock.figures()
    rows = pipeline_seconds - sum(clock.seconds[stage] for stage in STAGES)
    peak = max(clock.peak_mb.values())
    figures["rows and offsets"] = {"seconds": rows, "peak_rss_mb": peak}
    figures["warehouse writes (64 files a commit)"] = {"seconds": stored, "peak_rss_mb": peak}
    instance = dg.DagsterInstance.ephemeral()
    sync_seed_partitions(instance, files)
    resources = {"seeds": seeds, "warehouse": warehouse}
    for stage, asset in (("resolution", resolved_entities), ("coding", coded_events), ("database", news_duckdb)):
        peak_rss_reset()
        began = time.perf_counter()
        dg.materialize([asset], instance=instance, resources=resources, run_config=QUIET)
        figures[stage] = {"seconds": time.perf_counter() - began, "peak_rss_mb": peak_rss_mb()}
    report({"stages": figures, "total_seconds": time.perf_counter() - started})


class SensorTicker:
    """The daemon's part, in this process: ticks the sensor with its cursor, applies its partition
    requests and executes the runs it requests."""

    def __init__(self, seeds_dir: str, warehouse_dir: str) -> None:
        self.instance = dg.DagsterInstance.get()
        self.resources = {"seeds": SeedsFolder(path=seeds_dir), "warehouse": Warehouse(path=warehouse_dir)}
        self.cursor: str | None = None

    def tick(self) -> dg.SensorResult:
        result = seed_files_sensor(
            dg.build_sensor_context(instance=self.instance, cursor=self.cursor, resources=self.resources)
        )
        apply_partition_requests(self.instance, result)
        self.cursor = result.cursor
        return result

    def execute(self, result: dg.SensorResult) -> None:
        defs = build_definitions(**self.resources)
        for request in result.run_requests:
            run = defs.resolve_job_def(request.job_name).execute_in_process(
                instance=self.instance, tags=request.tags, run_config=QUIET
            )
            if not run.success:
                raise RuntimeError(f"the sensor's run {request.job_name} {request.tags} failed")

    def change(self, make_change: Callable[[], None], seed_file: str, present: bool) -> dict[str, float]:
        """Make a change, then tick and run until the database shows it: the seconds of each part."""
        make_change()
        landed = time.perf_counter()
        result = self.tick()
        ticked = time.perf_counter()
        self.execute(result)
        ran = time.perf_counter()
        with connect_read_only(Path(self.resources["warehouse"].path)) as con:
            found = con.execute("SELECT count(*) FROM documents WHERE seed_file = ?", [seed_file]).fetchone()[0]
        if bool(found) != present:
            raise RuntimeError(f"{seed_file}: the database does not show the change")
        return {"tick": ticked - landed, "run": ran - ticked, "queryable": time.perf_counter() - landed}


def incremental(seeds_dir: str, warehouse_dir: str, new_text: str, changed_text: str, repeats: str) -> None:
    """On the built warehouse: ticks over unchanged files, then one file added, one changed, one deleted."""
    ticker = SensorTicker(seeds_dir, warehouse_dir)
    n_files = len(list_seed_files(Path(seeds_dir)))
    tick_seconds = []
    for _ in range(int(repeats)):
        began = time.perf_counter()
        requested = len(ticker.tick().run_requests)
        tick_seconds.append(time.perf_counter() - began)
        if requested:
            raise RuntimeError(f"a tick over unchanged files requested {requested} run(s)")
    seeds = Path(seeds_dir)
    new_file = article_name(n_files)
    figures = {
        "files": n_files,
        "idle_tick": median(tick_seconds),
        "add": ticker.change(lambda: (seeds / new_file).write_text(new_text, encoding="utf-8"), new_file, True),
        "change": ticker.change(
            lambda: (seeds / article_name(0)).write_text(changed_text, encoding="utf-8"), article_name(0), True
        ),
        "delete": ticker.change(lambda: (seeds / article_name(1)).unlink(), article_name(1), False),
    }
    report(figures)


def with_daemon(seeds_dir: str, warehouse_dir: str, *files_and_texts: str) -> None:
    """What `make ui` gives: `dagster-daemon` running (the sensor every SENSOR_INTERVAL_SECONDS, the
    run queue, a process per run). Files (name, text, name, text…) are dropped in one at a time, each
    once the previous one's run has ended and then a further share of the sensor's interval, so that
    they land at different points of its cycle; for each, seconds until its rows are queryable, with
    when its run was requested, when its process started and how long the run took."""
    seeds = Path(seeds_dir)
    drops = list(zip(files_and_texts[::2], files_and_texts[1::2], strict=True))
    daemon = subprocess.Popen(
        [str(Path(sys.executable).with_name("dagster-daemon")), "run", "-w", "workspace.yaml"],
        cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    figures: dict[str, list[float]] = defaultdict(list)
    try:
        instance = dg.DagsterInstance.get()
        _wait_for_daemons(instance, daemon)
        for number, (new_file, new_text) in enumerate(drops):
            time.sleep(SENSOR_INTERVAL_SECONDS * number / len(drops))
            (seeds / new_file).write_text(new_text, encoding="utf-8")
            landed = time.time()
            figures["queryable"].append(_wait_until_queryable(Path(warehouse_dir), new_file, landed) - landed)
            run = _run_after(instance, landed)
            figures["requested"].append(run.create_timestamp.timestamp() - landed)
            figures["started"].append(run.start_time - landed)
            figures["run"].append(run.end_time - run.start_time)
    finally:
        os.killpg(daemon.pid, signal.SIGKILL)  # the daemon, its code server and any run process
        daemon.wait()
    report(figures)


def _wait_for_daemons(instance: dg.DagsterInstance, daemon: subprocess.Popen) -> None:
    """Until the sensor and run-queue daemons have each reported in since the daemon started."""
    started = time.time()
    while (
        not {kind for kind, beat in instance.get_daemon_heartbeats().items() if beat.timestamp >= started}
        >= DAEMONS_NEEDED
    ):
        if daemon.poll() is not None or time.time() - started > DAEMON_START_SECONDS:
            raise RuntimeError("dagster-daemon did not start")
        time.sleep(POLL_SECONDS)


def _wait_until_queryable(warehouse_dir: Path, seed_file: str, since: float) -> float:
    """The time the live news.duckdb first shows the file's document. A run swaps in a new file by
    rename, so the database is only opened (read-only) when its inode has changed: opening it on
    every poll would take a core from the run being measured."""
    database, seen = database_path(warehouse_dir), None
    while time.time() - since < QUERYABLE_LIMIT_SECONDS:
        inode = database.stat().st_ino
        if inode != seen:
            seen = inode
            with connect_read_only(warehouse_dir) as con:
                if con.execute("SELECT count(*) FROM documents WHERE seed_file = ?", [seed_file]).fetchone()[0]:
                    return time.time()
        time.sleep(POLL_SECONDS)
    raise RuntimeError(f"{seed_file} was not queryable {QUERYABLE_LIMIT_SECONDS} s after it landed")


def _run_after(instance: dg.DagsterInstance, since: float) -> dg.RunRecord:
    """The record of the first run created after `since`, once it has ended."""
    while True:
        records = [r for r in instance.get_run_records(limit=5) if r.create_timestamp.timestamp() >= since]
        first = min(records, key=lambda r: r.create_timestamp, default=None)
        if first is not None and first.end_time is not None:
            return first
        if time.time() - since > QUERYABLE_LIMIT_SECONDS:
            raise RuntimeError("the sensor's run did not end")
        time.sleep(POLL_SECONDS)


PROBES: dict[str, Callable[..., None]] = {
    "floor-parquet": floor_parquet,
    "floor-tokenize": floor_tokenize,
    "stages": stages,
    "incremental": incremental,
    "with-daemon": with_daemon,
}

if __name__ == "__main__":
    PROBES[sys.argv[1]](*sys.argv[2:])
