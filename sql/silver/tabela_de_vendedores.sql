-- Sellers, one row per MATRICULA: strings trimmed, bit flag as boolean, rate as an exact double.
SELECT
    trim(MATRICULA) AS MATRICULA,
    trim(NOME) AS NOME,
    -- A single-precision float read as its shortest decimal text keeps 0.08 as 0.08.
    CAST(CAST(PERCENTUAL_COMISSAO AS VARCHAR) AS DOUBLE) AS PERCENTUAL_COMISSAO,
    CAST(DATA_ADMISSAO AS DATE) AS DATA_ADMISSAO,
    CAST(DE_FERIAS AS BOOLEAN) AS DE_FERIAS,
    trim(BAIRRO) AS BAIRRO
FROM source
ORDER BY MATRICULA
