-- description: Revenue, litres and items per packaging and size over all days, with the share of total revenue.
WITH sales AS (
    SELECT
        products.EMBALAGEM AS packaging,
        products.TAMANHO AS size,
        sum(items.VALOR_TOTAL) AS revenue,
        CAST(sum(items.QUANTIDADE) AS BIGINT) AS litres,
        count(*) AS items
    FROM {{ silver('itens_notas_fiscais') }} AS items
    JOIN {{ silver('tabela_de_produtos') }} AS products USING (CODIGO_DO_PRODUTO)
    GROUP BY packaging, size
)

SELECT
    packaging,
    size,
    round(revenue, 2) AS revenue,
    litres,
    items,
    round(revenue / sum(revenue) OVER (), 4) AS share
FROM sales
ORDER BY revenue DESC, packaging, size
