-- Invoice items of one day, one row per (NUMERO, CODIGO_DO_PRODUTO), with the item total.
SELECT
    NUMERO,
    trim(CODIGO_DO_PRODUTO) AS CODIGO_DO_PRODUTO,
    QUANTIDADE,
    -- A single-precision float read as its shortest decimal text keeps 5.37 as 5.37.
    CAST(CAST(PRECO AS VARCHAR) AS DOUBLE) AS PRECO,
    QUANTIDADE * CAST(CAST(PRECO AS VARCHAR) AS DOUBLE) AS VALOR_TOTAL
FROM source
ORDER BY NUMERO, CODIGO_DO_PRODUTO
