#!/bin/sh
# Prepares the Dagster instance in $DAGSTER_HOME before anything else uses it: creates or upgrades
# its storage, then gives the operational database's pool its limit. Safe to run on every start.
set -eu

dagster instance migrate

# Per-pool limits live in the instance's storage, not in dagster.yaml. One step at a time writes
# the operational database: the embedded DuckDB file takes a single writing process, and
# concurrent day loads into MariaDB would only contend for the same tables' locks.
dagster instance concurrency set operational_db 1
