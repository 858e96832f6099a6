"""Measuring a child process: its wall time, its own peak RSS, and the peak of its whole process tree.

`os.wait4` gives the child's peak RSS (the largest single process among it and its descendants);
a sampler adds up the RSS of the child and every descendant a few times a second, which is what
the machine must hold when the work is spread over worker processes.
"""

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024
SAMPLE_SECONDS = 0.1
RESULT_PREFIX = "BENCH-RESULT "


@dataclass(frozen=True)
class Measured:
    """What a child process took, and the result it printed (JSON after RESULT_PREFIX), if any."""

    seconds: float
    peak_rss_mb: float
    tree_peak_mb: float
    result: dict


def run_measured(args: list[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> Measured:
    """Run a command to its end, measured; a failure raises with its output."""
    with tempfile.TemporaryFile("w+") as out_file, tempfile.TemporaryFile("w+") as err_file:
        started = time.monotonic()
        child = subprocess.Popen(args, env={**os.environ, **(env or {})}, cwd=cwd, stdout=out_file, stderr=err_file)
        sampler = _TreeSampler(child.pid)
        sampler.start()
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.monotonic() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        sampler.stop.set()
        sampler.join()
        out_file.seek(0), err_file.seek(0)
        out, err = out_file.read(), err_file.read()
    peak_kb = usage.ru_maxrss
    if child.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} exited {child.returncode}:\n{out[-3000:]}\n{err[-3000:]}")
    lines = [line for line in out.splitlines() if line.startswith(RESULT_PREFIX)]
    result = json.loads(lines[-1].removeprefix(RESULT_PREFIX)) if lines else {}
    return Measured(seconds, peak_kb / 1024, max(sampler.peak_kb, peak_kb) / 1024, result)


def report(result: dict) -> None:
    """Print a probe's result for the parent's `run_measured`."""
    print(RESULT_PREFIX + json.dumps(result), flush=True)


def median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def python_module(module: str, *args: str) -> list[str]:
    return [sys.executable, "-m", module, *args]


class _TreeSampler(threading.Thread):
    """Samples the summed RSS of a process and its descendants until stopped or the process is reaped."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_kb = 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.wait(SAMPLE_SECONDS):
            self.peak_kb = max(self.peak_kb, sum(_rss_kb(pid) for pid in _tree(self.pid)))


def _tree(root: int) -> list[int]:
    """The process and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parent = int(stat.rpartition(")")[2].split()[1])
            children.setdefault(parent, []).append(int(entry))
    found, pending = [], [root]
    while pending:
        pid = pending.pop()
        found.append(pid)
        pending += children.get(pid, [])
    return found


def _rss_kb(pid: int) -> int:
    try:
        return int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE_KB
    except (OSError, IndexError, ValueError):
        return 0
