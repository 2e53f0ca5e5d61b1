-- description: The customers with the highest revenue in each year, top_n per year, ranked.
-- parameter: top_n = 10
WITH yearly AS (
    SELECT
        CAST(ANO AS INTEGER) AS year,
        CPF,
        sum(VALOR_TOTAL) AS revenue,
        count(*) AS invoices
    FROM {{ silver('notas_fiscais') }}
    GROUP BY year, CPF
),

ranked AS (
    SELECT
        *,
        row_number() OVER (PARTITION BY year ORDER BY revenue DESC, CPF) AS rank
    FROM yearly
    QUALIFY rank <= {{ param('top_n') }}
)

SELECT
    ranked.year,
    ranked.rank,
    ranked.CPF AS customer_id,
    customers.NOME AS customer_name,
    round(ranked.revenue, 2) AS revenue,
    ranked.invoices
FROM ranked
LEFT JOIN {{ silver('tabela_de_clientes') }} AS customers USING (CPF)
ORDER BY ranked.year, ranked.rank
