-- Replaces one KPI table of the warehouse with the result registered as kpi_result.
CREATE SCHEMA IF NOT EXISTS kpi;
CREATE OR REPLACE TABLE kpi.{{ table }} AS SELECT * FROM kpi_result;
