-- description: Revenue and litres per flavour and year, with the flavour's share of the year's revenue.
WITH sales AS (
    SELECT
        CAST(year(items.date) AS INTEGER) AS year,
        products.SABOR AS flavor,
        sum(items.VALOR_TOTAL) AS revenue,
        CAST(sum(items.QUANTIDADE) AS BIGINT) AS litres
    FROM {{ silver('itens_notas_fiscais') }} AS items
    JOIN {{ silver('tabela_de_produtos') }} AS products USING (CODIGO_DO_PRODUTO)
    GROUP BY year, flavor
)

SELECT
    year,
    flavor,
    round(revenue, 2) AS revenue,
    litres,
    round(revenue / sum(revenue) OVER (PARTITION BY year), 4) AS share
FROM sales
ORDER BY year, revenue DESC, flavor
