from datetime import date

import dagster as dg
import pyarrow as pa

from datagen_platform import schema
from datagen_platform.assets.sucos_vendas import source_key
from datagen_platform.definitions import ALL_ASSETS_JOB, build_definitions
from datagen_platform.generation import Scenario, generate_day, load_profile
from datagen_platform.resources.embedded import EmbeddedDuckDBResource

QUIET = {"loggers": {"console": {"config": {"log_level": "ERROR"}}}}
NOTAS_KEY = source_key("notas_fiscais")
ITENS_KEY = source_key("itens_notas_fiscais")


def _run_range(defs: dg.Definitions, instance, first: str, last: str) -> dg.ExecuteInProcessResult:
    job = defs.resolve_job_def(ALL_ASSETS_JOB)
    return job.execute_in_process(
        instance=instance,
        run_config=QUIET,
        tags={
            "dagster/asset_partition_range_start": first,
            "dagster/asset_partition_range_end": last,
        },
    )


def test_source_tables_are_assets_with_daily_facts_and_static_dimensions(tmp_path, small_world):
    graph = build_definitions(small_world(tmp_path)).resolve_asset_graph()

    for table in schema.DIMENSIONS:
        node = graph.get(source_key(table.name))
        assert node.partitions_def is None
        assert node.group_name == "sucos_vendas"
    for key in (NOTAS_KEY, ITENS_KEY):
        node = graph.get(key)
        assert node.partitions_def.get_first_partition_key() == "2024-01-01"
        assert node.backfill_policy == dg.BackfillPolicy.single_run()
        assert node.kinds == {"duckdb", "python"}
        assert {source_key(t.name) for t in schema.DIMENSIONS} <= set(node.parent_keys)


def test_a_range_of_days_is_one_run_with_row_counts_per_partition(tmp_path, small_world):
    settings = small_world(tmp_path)
    world = Scenario(7, load_profile("small"), date(2024, 1, 1))
    with dg.instance_for_test() as instance:
        result = _run_range(build_definitions(settings), instance, "2024-01-01", "2024-01-03")

        assert result.success
        assert len(instance.get_runs()) == 1
        for day in ("2024-01-01", "2024-01-02", "2024-01-03"):
            expected = generate_day(world, date.fromisoformat(day))
            assert _partition_rows(instance, NOTAS_KEY, day) == expected.notas.num_rows
            assert _partition_rows(instance, ITENS_KEY, day) == expected.itens.num_rows


def test_rerunning_a_day_replaces_it_with_the_same_rows(tmp_path, small_world):
    settings = small_world(tmp_path)
    database = EmbeddedDuckDBResource(path=str(settings.embedded_path))
    defs = build_definitions(settings)
    with dg.instance_for_test() as instance:
        _run_range(defs, instance, "2024-01-01", "2024-01-02")
        before = _snapshot(database)
        _run_range(defs, instance, "2024-01-02", "2024-01-02")

        assert _snapshot(database) == before
        counts = database.day_counts(date(2024, 1, 1), date(2024, 1, 2))
        world = Scenario(7, load_profile("small"), date(2024, 1, 1))
        day_two = generate_day(world, date(2024, 1, 2))
        assert counts[date(2024, 1, 2)] == (day_two.notas.num_rows, day_two.itens.num_rows)


def _partition_rows(instance, key: dg.AssetKey, day: str) -> int:
    records = instance.fetch_materializations(
        dg.AssetRecordsFilter(asset_key=key, asset_partitions=[day]), limit=1
    ).records
    assert records, f"{key.to_user_string()} {day} was not materialized"
    return records[0].asset_materialization.metadata["dagster/row_count"].value


def _snapshot(database) -> dict[str, pa.Table]:
    return {name: database.read_table(name) for name in schema.TABLES}
