"""The walking skeleton as one DAG: crawl every market -> extract -> load + flag -> report.

Orchestration only: each task calls one function of the stage packages, imported inside the
task so parsing this file stays cheap. Crawls fan out per market with `.expand()`; the load
is a single task because DuckDB allows one writer per file.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import Param, dag, get_current_context, task

DEFAULT_ARGS = {
    "owner": "pharmwatch",
    "retries": 2,
    "retry_delay": pendulum.duration(minutes=2),
    "retry_exponential_backoff": True,
}


def _params() -> dict:
    ctx = get_current_context()
    return {**ctx["params"], "date": ctx["ds"]}


@dag(
    dag_id="pharmwatch_pipeline",
    schedule="@daily",
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=["pharmwatch", "pipeline"],
    params={
        "data_dir": Param(None, type=["null", "string"], description="data directory (default $PHARMWATCH_DATA)"),
        "base_url": Param(None, type=["null", "string"], description="crawl this server; null starts a sandbox"),
        "sandbox_listings": Param(600, type="integer", minimum=100, maximum=100_000),
        "sandbox_seed": Param(7, type="integer"),
        "sandbox_day": Param(0, type="integer", minimum=0),
    },
    doc_md=__doc__,
)
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
    def load(crawled: list[str]) -> dict:
        from pharmwatch.pipeline import load_markets

        return load_markets(list(crawled), **_params())

    @task
    def report(_loaded: dict) -> str:
        from pharmwatch.pipeline import report_for

        return str(report_for(**_params()))

    report(load(extract.expand(market=crawl.expand(market=markets()))))


pharmwatch_pipeline()
