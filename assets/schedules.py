"""The daily schedule: whatever the sensor missed (it was off, a run failed) is caught once a day."""

import dagster as dg

from assets.jobs import refresh_warehouse
from assets.partitions import SEED_FILES, partition_range_tags, sync_seed_partitions
from assets.resources import SeedsFolder


@dg.schedule(
    job=refresh_warehouse,
    cron_schedule="0 3 * * *",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Every day at 03:00: make the partitions match the seeds folder, then reprocess every "
    "seed file and rebuild news.duckdb in one run.",
)
def daily_full_refresh(context: dg.ScheduleEvaluationContext, seeds: SeedsFolder) -> dg.RunRequest | dg.SkipReason:
    sync_seed_partitions(context.instance, seeds.files())
    keys = context.instance.get_dynamic_partitions(SEED_FILES)
    if not keys:
        return dg.SkipReason(f"No *.txt files in {seeds.root}.")
    return dg.RunRequest(tags=partition_range_tags(keys[0], keys[-1]))
