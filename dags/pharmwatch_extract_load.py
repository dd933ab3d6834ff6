"""Extract and load the staging partitions that crawls announced through their Assets.

Scheduled on every market's staging Asset: each run reads the partitions named by its
triggering asset events (or `partitions` in the run conf, to redo chosen days by hand),
extracts and prepares each one (.expand, in parallel) and loads exactly those into DuckDB in
the single-slot warehouse pool. Loads replace their partitions, so clearing and rerunning any
task changes nothing.
"""

from __future__ import annotations

from airflow.sdk import AssetAny, Param, dag, task

from pharmwatch.ops.dagspec import (WAREHOUSE_ASSET, WAREHOUSE_POOL, dag_args, market_schedules,
                                    staging_asset)


@dag(**dag_args(
    "pharmwatch_extract_load",
    schedule=AssetAny(*(staging_asset(m) for m in market_schedules())),
    tags=["pharmwatch", "extract", "warehouse"],
    params={"partitions": Param([], type="array",
                                description='extra partitions: [{"market": M, "date": D, '
                                            '"data_dir": null}]')},
    doc_md=__doc__,
))
def pharmwatch_extract_load():
    @task
    def partitions(**context) -> list[dict]:
        from pharmwatch.pipeline import partitions_from_events

        events = context["triggering_asset_events"]
        extras = [dict(ev.extra or {}) for asset in events for ev in events[asset]]
        return partitions_from_events(extras + list(context["params"]["partitions"]))

    @task
    def extract(partition: dict) -> dict:
        from pharmwatch.pipeline import extract_market

        n = extract_market(partition["market"], date=partition["date"],
                           data_dir=partition.get("data_dir"))
        return {**partition, "extracted": n}

    @task
    def prepare(partition: dict) -> dict:
        # Typed and checked off the single writer: the load then only inserts Parquet in bulk.
        from pharmwatch.pipeline import prepare_market

        return {**partition, **prepare_market(partition["market"], date=partition["date"],
                                                data_dir=partition.get("data_dir"))}

    @task(pool=WAREHOUSE_POOL, outlets=[WAREHOUSE_ASSET])
    def load(parts: list[dict]) -> dict:
        from pharmwatch.pipeline import load_partition_list

        return load_partition_list(parts)

    @task(pool=WAREHOUSE_POOL)
    def alerts(parts: list[dict]) -> dict:
        # Fentanyl-class listings are mailed at once, not only in Monday's report.
        from pharmwatch.pipeline import alerts_for_partitions

        return alerts_for_partitions(parts)

    parts = partitions()
    prepare.expand(partition=extract.expand(partition=parts)) >> load(parts) >> alerts(parts)


pharmwatch_extract_load()
