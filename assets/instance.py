"""The Dagster instance's event log: Dagster's own SQLite storage, except that a run's per-partition
materializations are written a batch at a time.

A run over N seed files records six materializations per file. Dagster's SQLite event log stores
each one alone, with two new database connections and two commits (run shard and cross-run index),
some 20 ms per event on this machine: minutes per 10,000 files. Dagster hands partitioned events to
`store_event_batch` in batches of `DAGSTER_EVENT_BATCH_SIZE`; this storage writes such a batch with
one statement per shard in one transaction each, and the rows are the ones `store_event` writes.

`make` writes `$DAGSTER_HOME/dagster.yaml` with `python -m assets.instance`, so `make run`,
`make ui` (and the daemon's runs) use it; any instance setting of Dagster's own still applies.
It also has the daemon look at its run queue every second rather than every five: a run the
sensor requests waits in the queue for the next look before its process starts.
"""

import os
import sys
from collections.abc import Sequence
from pathlib import Path

import yaml
from dagster._core.events import ASSET_EVENTS
from dagster._core.events.log import EventLogEntry
from dagster._core.storage.event_log.schema import SqlEventLogStorageTable
from dagster._core.storage.event_log.sqlite.sqlite_event_log import SqliteEventLogStorage
from dagster._serdes import ConfigurableClassData

# Partitioned materializations stored per transaction, unless `DAGSTER_EVENT_BATCH_SIZE` says otherwise.
EVENT_BATCH_SIZE = 1000
BATCH_SIZE_VARIABLE = "DAGSTER_EVENT_BATCH_SIZE"
SETTINGS_FILE = "dagster.yaml"
# Seconds between the daemon's looks at the run queue (Dagster's default is 5).
DEQUEUE_INTERVAL_SECONDS = 1


class BatchedSqliteEventLogStorage(SqliteEventLogStorage):
    """SQLite event log whose `store_event_batch` writes a batch of one run's asset events at once.

    Dagster reads the batch size from the environment of the process that handles the events, the
    one holding this storage; so the storage sets it, and a process configured with it batches.
    """

    def __init__(self, base_dir: str, inst_data: ConfigurableClassData | None = None) -> None:
        os.environ.setdefault(BATCH_SIZE_VARIABLE, str(EVENT_BATCH_SIZE))
        super().__init__(base_dir, inst_data)

    @classmethod
    def from_config_value(
        cls, inst_data: ConfigurableClassData | None, config_value: dict
    ) -> "BatchedSqliteEventLogStorage":
        return cls(inst_data=inst_data, **config_value)

    def store_event_batch(self, events: Sequence[EventLogEntry]) -> None:
        if not _asset_events_of_one_run(events):
            super().store_event_batch(events)
            return
        rows = [self._event_to_row(event) for event in events]
        insert = SqlEventLogStorageTable.insert()
        with self.run_connection(events[0].run_id) as conn:
            conn.execute(insert, rows)
        with self.index_transaction() as conn:
            event_ids = [conn.execute(insert, row).inserted_primary_key[0] for row in rows]
            self._store_asset_event_tags(conn, events, event_ids)
            for event, event_id in _latest_per_asset(events, event_ids):
                self._store_asset_event(conn, event, event_id)


def _asset_events_of_one_run(events: Sequence[EventLogEntry]) -> bool:
    """True when every event is an asset event of the same run: the only batches written at once."""
    return len({event.run_id for event in events}) == 1 and all(
        event.is_dagster_event and event.dagster_event_type in ASSET_EVENTS and event.get_dagster_event().asset_key
        for event in events
    )


def _latest_per_asset(events: Sequence[EventLogEntry], event_ids: list[int]) -> list[tuple[EventLogEntry, int]]:
    """Each asset's last event of each kind in the batch, in event order: the asset index entry that
    storing every event in turn leaves (an event's update sets the same columns as any other of its kind)."""
    latest = {
        (event.get_dagster_event().asset_key, event.dagster_event_type): (event, event_id)
        for event, event_id in zip(events, event_ids, strict=True)
    }
    return sorted(latest.values(), key=lambda pair: pair[1])


def event_log_storage(dagster_home: Path) -> dict:
    """The `event_log_storage` setting of `dagster.yaml`: this storage, its run shards where
    Dagster keeps its own (`history/runs` under the instance's folder)."""
    base_dir = dagster_home.resolve() / "history" / "runs"
    return {
        "module": __spec__.name,
        "class": BatchedSqliteEventLogStorage.__name__,
        "config": {"base_dir": str(base_dir)},
    }


def run_coordinator() -> dict:
    """The `run_coordinator` setting: Dagster's run queue (what `dagster dev` uses by default, and
    what runs the split runs of a backfill side by side), dequeued every DEQUEUE_INTERVAL_SECONDS."""
    return {
        "module": "dagster._core.run_coordinator",
        "class": "QueuedRunCoordinator",
        "config": {"dequeue_interval_seconds": DEQUEUE_INTERVAL_SECONDS},
    }


def instance_settings(dagster_home: Path) -> str:
    """The text of `dagster.yaml`: no usage statistics (the product runs offline), the batched event
    log, and a run queue that starts a requested run within a second."""
    settings = {
        "telemetry": {"enabled": False},
        "event_log_storage": event_log_storage(dagster_home),
        "run_coordinator": run_coordinator(),
    }
    return "# Written by `python -m assets.instance`; the event log is assets/instance.py's.\n" + yaml.safe_dump(
        settings, sort_keys=False
    )


def write_instance_settings(dagster_home: Path) -> None:
    """Write `dagster.yaml` into `dagster_home`, created if missing."""
    dagster_home.mkdir(parents=True, exist_ok=True)
    (dagster_home / SETTINGS_FILE).write_text(instance_settings(dagster_home), encoding="utf-8")


if __name__ == "__main__":
    write_instance_settings(Path(sys.argv[1]))
