-- Months whose KPI revenue differs from the sum of silver item totals: one row per month.
WITH silver AS (
    SELECT
        make_date(CAST(year(date) AS INTEGER), CAST(month(date) AS INTEGER), 1) AS month,
        round(sum(VALOR_TOTAL), 2) AS silver_revenue
    FROM read_parquet($silver_items, hive_partitioning = true)
    GROUP BY month
)
SELECT
    coalesce(k.month, s.month) AS month,
    k.revenue AS kpi_revenue,
    s.silver_revenue
FROM kpi AS k
FULL OUTER JOIN silver AS s ON s.month = k.month
WHERE k.revenue IS NULL OR s.silver_revenue IS NULL
    OR abs(k.revenue - s.silver_revenue) > $tolerance
ORDER BY month
