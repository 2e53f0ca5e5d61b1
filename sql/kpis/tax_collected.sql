-- description: Tax collected per month (each invoice's revenue times its rate IMPOSTO), one row per month.
WITH monthly AS (
    SELECT
        make_date(ANO, MES, 1) AS month,
        sum(VALOR_TOTAL) AS revenue,
        sum(VALOR_TOTAL * IMPOSTO) AS tax
    FROM {{ silver('notas_fiscais') }}
    GROUP BY month
)

SELECT
    month,
    round(revenue, 2) AS revenue,
    round(tax, 2) AS tax,
    round(tax / revenue, 4) AS effective_rate
FROM monthly
ORDER BY month
