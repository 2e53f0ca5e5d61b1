-- description: Revenue, invoices, items and average ticket per month, one row per month.
SELECT
    make_date(ANO, MES, 1) AS month,
    round(sum(VALOR_TOTAL), 2) AS revenue,
    count(*) AS invoices,
    CAST(sum(ITENS) AS BIGINT) AS items,
    round(sum(VALOR_TOTAL) / count(*), 2) AS average_ticket
FROM {{ silver('notas_fiscais') }}
GROUP BY month
ORDER BY month
