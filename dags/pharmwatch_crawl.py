"""One crawl DAG per market, generated from crawlers/markets/*.yaml (`schedule:` section).

crawl_<market>: crawl (Scrapy in its own process, in the market's proxy pool) -> check_volume
(fails, and so alerts, when the crawl returned far fewer listings than the market's recent
runs). The crawl's outlet is the market's staging Asset; its event names the partition, which
schedules pharmwatch_extract_load. Orchestration only: each task calls one pharmwatch function.
"""

from __future__ import annotations

from datetime import timedelta

from airflow.sdk import DAG, Param, task

from pharmwatch.ops.dagspec import (WAREHOUSE_POOL, crawl_dag_id, dag_args, market_schedules,
                                    sandbox_params, staging_asset, task_params)


def build_crawl_dag(market: str, sched) -> DAG:
    asset = staging_asset(market)
    with DAG(**dag_args(
        crawl_dag_id(market),
        schedule=sched.cron,
        tags=sorted({"pharmwatch", "crawl", market, *sched.tags}),
        owner=sched.owner,
        retries=sched.retries,
        # YAML `paused: true` (or a market not enabled by default, e.g. one needing a login)
        # keeps the DAG off until an operator unpauses it.
        is_paused_upon_creation=True if sched.paused or not sched.enabled else None,
        params={"market": Param(market, type="string", const=market), **sandbox_params()},
        doc_md=__doc__,
    )) as dag:

        @task(pool=sched.pool, outlets=[asset],
              execution_timeout=timedelta(minutes=sched.timeout_minutes))
        def crawl(**context) -> dict:
            from pharmwatch.pipeline import crawl_market, crawl_summary, resolve_data_dir

            params = task_params(context)
            stats = crawl_market(market, **params)  # logins: connection pharmwatch_<market>
            summary = crawl_summary(stats)
            context["outlet_events"][asset].extra = {
                "market": market, "date": params["date"], "run_id": summary["run_id"],
                "data_dir": resolve_data_dir(params.get("data_dir")),
                "listings": summary["listings"]}
            return summary

        # Reads crawl_run history: in the warehouse pool so it never meets a writer's lock.
        @task(pool=WAREHOUSE_POOL)
        def check_volume(summary: dict, **context) -> dict:
            from airflow.sdk.exceptions import AirflowFailException

            from pharmwatch.pipeline import LowVolumeError, check_crawl_volume

            try:
                return check_crawl_volume(market, summary.get("listings") or 0,
                                          **task_params(context))
            except LowVolumeError as exc:  # retrying cannot raise the count: fail now, alert
                raise AirflowFailException(str(exc)) from exc

        check_volume(crawl())
    return dag


for _market, _sched in market_schedules().items():
    globals()[crawl_dag_id(_market)] = build_crawl_dag(_market, _sched)
