-- description: Invoices, revenue and commission earned per seller and month, one row per seller and month.
SELECT
    make_date(invoices.ANO, invoices.MES, 1) AS month,
    invoices.MATRICULA AS seller_id,
    sellers.NOME AS seller_name,
    count(*) AS invoices,
    round(sum(invoices.VALOR_TOTAL), 2) AS revenue,
    round(sum(invoices.VALOR_TOTAL * sellers.PERCENTUAL_COMISSAO), 2) AS commission
FROM {{ silver('notas_fiscais') }} AS invoices
-- A LEFT JOIN keeps the revenue of a seller missing from the snapshot visible.
LEFT JOIN {{ silver('tabela_de_vendedores') }} AS sellers USING (MATRICULA)
GROUP BY month, seller_id, seller_name
ORDER BY month, seller_id
