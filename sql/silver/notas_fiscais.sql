-- Invoices of one or more days, one row per NUMERO, with the sale's year and month and their
-- items' totals; `with_day` keeps the sales day of a ranged read as the last column.
WITH totals AS (
    -- `items` holds the same days' silver items, so invoice totals add up exactly to theirs.
    SELECT
        NUMERO,
        CAST(count(*) AS INTEGER) AS ITENS,
        CAST(sum(QUANTIDADE) AS BIGINT) AS LITROS,
        sum(VALOR_TOTAL) AS VALOR_TOTAL
    FROM items
    GROUP BY NUMERO
)

SELECT
    trim(source.CPF) AS CPF,
    trim(source.MATRICULA) AS MATRICULA,
    CAST(source.DATA_VENDA AS DATE) AS DATA_VENDA,
    source.NUMERO,
    -- A single-precision float read as its shortest decimal text keeps 0.1 as 0.1.
    CAST(CAST(source.IMPOSTO AS VARCHAR) AS DOUBLE) AS IMPOSTO,
    CAST(year(source.DATA_VENDA) AS SMALLINT) AS ANO,
    CAST(month(source.DATA_VENDA) AS SMALLINT) AS MES,
    coalesce(totals.ITENS, 0) AS ITENS,
    coalesce(totals.LITROS, 0) AS LITROS,
    coalesce(totals.VALOR_TOTAL, 0) AS VALOR_TOTAL{{ ',' if with_day }}
{%- if with_day %}
    source.sales_day
{%- endif %}
FROM source
LEFT JOIN totals USING (NUMERO)
ORDER BY {% if with_day %}source.sales_day, {% endif %}source.NUMERO
