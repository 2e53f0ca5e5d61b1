-- Customers, one row per CPF: strings trimmed, bit flag as boolean, amounts as exact doubles.
SELECT
    trim(CPF) AS CPF,
    trim(NOME) AS NOME,
    trim(ENDERECO_1) AS ENDERECO_1,
    trim(ENDERECO_2) AS ENDERECO_2,
    trim(BAIRRO) AS BAIRRO,
    trim(CIDADE) AS CIDADE,
    trim(ESTADO) AS ESTADO,
    trim(CEP) AS CEP,
    CAST(DATA_DE_NASCIMENTO AS DATE) AS DATA_DE_NASCIMENTO,
    CAST(IDADE AS SMALLINT) AS IDADE,
    trim(SEXO) AS SEXO,
    -- A single-precision float read as its shortest decimal text keeps 1500.5 as 1500.5.
    CAST(CAST(LIMITE_DE_CREDITO AS VARCHAR) AS DOUBLE) AS LIMITE_DE_CREDITO,
    CAST(CAST(VOLUME_DE_COMPRA AS VARCHAR) AS DOUBLE) AS VOLUME_DE_COMPRA,
    CAST(PRIMEIRA_COMPRA AS BOOLEAN) AS PRIMEIRA_COMPRA
FROM source
ORDER BY CPF
