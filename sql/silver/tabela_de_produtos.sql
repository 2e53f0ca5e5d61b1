-- Products, one row per CODIGO_DO_PRODUTO: strings trimmed, list price as an exact double.
SELECT
    trim(CODIGO_DO_PRODUTO) AS CODIGO_DO_PRODUTO,
    trim(NOME_DO_PRODUTO) AS NOME_DO_PRODUTO,
    trim(EMBALAGEM) AS EMBALAGEM,
    trim(TAMANHO) AS TAMANHO,
    trim(SABOR) AS SABOR,
    -- A single-precision float read as its shortest decimal text keeps 7.79 as 7.79.
    CAST(CAST(PRECO_DE_LISTA AS VARCHAR) AS DOUBLE) AS PRECO_DE_LISTA
FROM source
ORDER BY CODIGO_DO_PRODUTO
