"""The weekly report, every Monday 06:00 UTC, from whatever the warehouse holds.

Writes DATA/reports/<ISO week>/ (report.html, report.pdf, flagged.csv, alerts.csv) for the
previous ISO week and e-mails it to PHARMWATCH_REPORT_TO through the SMTP connection
`smtp_pharmwatch`; a rerun replaces the files but never sends the same week twice.
"""

from __future__ import annotations

from airflow.sdk import CronTriggerTimetable, dag, task

from pharmwatch.ops.dagspec import WAREHOUSE_POOL, dag_args, task_params


@dag(**dag_args("pharmwatch_weekly_report",
                 schedule=CronTriggerTimetable("0 6 * * 1", timezone="UTC"),
                 tags=["pharmwatch", "report"], doc_md=__doc__))
def pharmwatch_weekly_report():
    @task(pool=WAREHOUSE_POOL)
    def report(**context) -> dict:
        from pharmwatch.pipeline import weekly_report

        return weekly_report(**task_params(context))

    report()


pharmwatch_weekly_report()
