-- description: Revenue per month against the same month a year before, with the growth as a fraction.
WITH monthly AS (
    SELECT make_date(ANO, MES, 1) AS month, sum(VALOR_TOTAL) AS revenue
    FROM {{ silver('notas_fiscais') }}
    GROUP BY month
)

SELECT
    this_month.month,
    round(this_month.revenue, 2) AS revenue,
    round(year_before.revenue, 2) AS revenue_year_before,
    round(this_month.revenue / year_before.revenue - 1, 4) AS growth
FROM monthly AS this_month
LEFT JOIN monthly AS year_before ON year_before.month = this_month.month - INTERVAL 1 YEAR
ORDER BY this_month.month
