-- Invoice items of one or more days, one row per (NUMERO, CODIGO_DO_PRODUTO), with the item
-- total; `with_day` keeps the sales day of a ranged read as the last column.
SELECT
    NUMERO,
    trim(CODIGO_DO_PRODUTO) AS CODIGO_DO_PRODUTO,
    QUANTIDADE,
    -- A single-precision float read as its shortest decimal text keeps 5.37 as 5.37.
    CAST(CAST(PRECO AS VARCHAR) AS DOUBLE) AS PRECO,
    QUANTIDADE * CAST(CAST(PRECO AS VARCHAR) AS DOUBLE) AS VALOR_TOTAL{{ ',' if with_day }}
{%- if with_day %}
    sales_day
{%- endif %}
FROM source
ORDER BY {% if with_day %}sales_day, {% endif %}NUMERO, CODIGO_DO_PRODUTO
