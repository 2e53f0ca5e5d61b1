-- The five tables of the classic sucos_vendas schema, created only where missing.
-- DuckDB has no bit(1): those columns are BOOLEAN. FLOAT is 4 bytes, as in MariaDB. VARCHAR
-- lengths are accepted for readability but not enforced by DuckDB.

CREATE TABLE IF NOT EXISTS tabela_de_clientes (
    CPF VARCHAR(11) NOT NULL,
    NOME VARCHAR(100),
    ENDERECO_1 VARCHAR(150),
    ENDERECO_2 VARCHAR(150),
    BAIRRO VARCHAR(50),
    CIDADE VARCHAR(50),
    ESTADO VARCHAR(2),
    CEP VARCHAR(8),
    DATA_DE_NASCIMENTO DATE,
    IDADE SMALLINT,
    SEXO VARCHAR(1),
    LIMITE_DE_CREDITO FLOAT,
    VOLUME_DE_COMPRA FLOAT,
    PRIMEIRA_COMPRA BOOLEAN,
    PRIMARY KEY (CPF)
);

CREATE TABLE IF NOT EXISTS tabela_de_vendedores (
    MATRICULA VARCHAR(5) NOT NULL,
    NOME VARCHAR(100),
    PERCENTUAL_COMISSAO FLOAT,
    DATA_ADMISSAO DATE,
    DE_FERIAS BOOLEAN,
    BAIRRO VARCHAR(50),
    PRIMARY KEY (MATRICULA)
);

CREATE TABLE IF NOT EXISTS tabela_de_produtos (
    CODIGO_DO_PRODUTO VARCHAR(10) NOT NULL,
    NOME_DO_PRODUTO VARCHAR(50),
    EMBALAGEM VARCHAR(20),
    TAMANHO VARCHAR(10),
    SABOR VARCHAR(20),
    PRECO_DE_LISTA FLOAT NOT NULL,
    PRIMARY KEY (CODIGO_DO_PRODUTO)
);

-- No index on DATA_VENDA: rows arrive day by day, so DuckDB's per-block min/max statistics
-- already skip other days, and an ART index on a low-cardinality column only slows loading.
CREATE TABLE IF NOT EXISTS notas_fiscais (
    CPF VARCHAR(11) NOT NULL REFERENCES tabela_de_clientes (CPF),
    MATRICULA VARCHAR(5) NOT NULL REFERENCES tabela_de_vendedores (MATRICULA),
    DATA_VENDA DATE,
    NUMERO {{ numero_type }} NOT NULL,
    IMPOSTO FLOAT NOT NULL,
    PRIMARY KEY (NUMERO)
);

-- NUMERO declares no foreign key to notas_fiscais: DuckDB refuses to delete referenced invoices
-- even after their items were deleted in the same transaction, which would make replacing a
-- day non-atomic. replace_day checks instead that every item's invoice is in the same block.
CREATE TABLE IF NOT EXISTS itens_notas_fiscais (
    NUMERO {{ numero_type }} NOT NULL,
    CODIGO_DO_PRODUTO VARCHAR(10) NOT NULL REFERENCES tabela_de_produtos (CODIGO_DO_PRODUTO),
    QUANTIDADE INTEGER NOT NULL,
    PRECO FLOAT NOT NULL,
    PRIMARY KEY (NUMERO, CODIGO_DO_PRODUTO)
);
