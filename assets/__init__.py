"""The Dagster graph: assets, partitions, checks, sensor, schedule, resources and `Definitions`."""
