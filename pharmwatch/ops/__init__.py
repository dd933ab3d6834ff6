"""Operating pharmwatch under Airflow: DAG building blocks, alerts, the local Airflow stack."""
