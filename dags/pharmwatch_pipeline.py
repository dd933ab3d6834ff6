"""Every market at once, on demand (no schedule): crawl, extract, prepare, load + flag, report.

The scheduled path is per market (pharmwatch_crawl.py -> pharmwatch_extract_load.py ->
pharmwatch_weekly_report.py); this DAG is the walking skeleton, kept for one-off full runs.

Orchestration only: each task calls one function of the stage packages, imported inside the
task so parsing this file stays cheap. Crawls, extracts and prepares fan out per market with
`.expand()`; the load is a single task because DuckDB allows one writer per file.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import dag, get_current_context, task

from pharmwatch.ops.dagspec import WAREHOUSE_POOL, dag_args, sandbox_params, task_params


def _params() -> dict:
    return task_params(get_current_context())


@dag(**dag_args("pharmwatch_pipeline", schedule=None, tags=["pharmwatch", "pipeline"],
                 params=sandbox_params(), doc_md=__doc__))
def pharmwatch_pipeline():
    @task
    def markets() -> list[str]:
        from crawlers.run import list_markets

        return list_markets()

    @task(execution_timeout=pendulum.duration(hours=2))
    def crawl(market: str) -> str:
        from pharmwatch.pipeline import crawl_market

        crawl_market(market, **_params())
        return market

    @task
    def extract(market: str) -> str:
        from pharmwatch.pipeline import extract_market

        extract_market(market, **_params())
        return market

    @task
    def prepare(market: str) -> str:
        # Typed and checked off the single writer, one task per market, in parallel.
        from pharmwatch.pipeline import prepare_market

        prepare_market(market, **_params())
        return market

    @task(pool=WAREHOUSE_POOL)
    def load(crawled: list[str]) -> dict:
        from pharmwatch.pipeline import load_partition_list

        params = _params()
        return load_partition_list([{"market": m, "date": params["date"],
                                     "data_dir": params.get("data_dir")} for m in crawled])

    @task(pool=WAREHOUSE_POOL)
    def report(_loaded: dict) -> str:
        from pharmwatch.pipeline import report_for

        return str(report_for(**_params()))

    report(load(prepare.expand(market=extract.expand(market=crawl.expand(market=markets())))))


pharmwatch_pipeline()
