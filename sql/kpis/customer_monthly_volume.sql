-- description: Litres each customer bought per month against their monthly limit (VOLUME_DE_COMPRA), one row per customer and month.
WITH monthly AS (
    SELECT
        make_date(ANO, MES, 1) AS month,
        CPF,
        CAST(sum(LITROS) AS BIGINT) AS litres
    FROM {{ silver('notas_fiscais') }}
    GROUP BY month, CPF
)

SELECT
    monthly.month,
    monthly.CPF AS customer_id,
    customers.NOME AS customer_name,
    monthly.litres,
    customers.VOLUME_DE_COMPRA AS monthly_limit,
    CASE
        WHEN customers.VOLUME_DE_COMPRA IS NULL THEN 'no_limit'
        WHEN monthly.litres <= customers.VOLUME_DE_COMPRA THEN 'valid'
        ELSE 'over_limit'
    END AS status
FROM monthly
LEFT JOIN {{ silver('tabela_de_clientes') }} AS customers USING (CPF)
ORDER BY monthly.month, customer_id
