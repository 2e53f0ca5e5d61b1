"""The classic `sucos_vendas` schema as data: tables, columns, keys and their Arrow types.

Generators produce, and operational databases read back, Arrow tables with exactly these schemas,
so that content can be compared byte for byte across MariaDB and the embedded DuckDB. SQL `float`
is single precision in both engines, hence `float32`; `bit(1)` is a boolean.
"""

from dataclasses import dataclass

import pyarrow as pa

DATABASE = "sucos_vendas"


@dataclass(frozen=True)
class Column:
    name: str
    sql_type: str
    arrow_type: pa.DataType
    nullable: bool = True


@dataclass(frozen=True)
class ForeignKey:
    columns: tuple[str, ...]
    table: str
    ref_columns: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = ()

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]

    def arrow_schema(self, numero_type: str = "int") -> pa.Schema:
        """The Arrow schema of this table; `numero_type` widens NUMERO for large profiles."""
        fields = []
        for column in self.columns:
            arrow_type = column.arrow_type
            if column.name == "NUMERO" and numero_type == "bigint":
                arrow_type = pa.int64()
            fields.append(pa.field(column.name, arrow_type, nullable=column.nullable))
        return pa.schema(fields)


def _varchar(name: str, length: int, nullable: bool = True) -> Column:
    return Column(name, f"varchar({length})", pa.string(), nullable)


CLIENTES = Table(
    "tabela_de_clientes",
    (
        _varchar("CPF", 11, nullable=False),
        _varchar("NOME", 100),
        _varchar("ENDERECO_1", 150),
        _varchar("ENDERECO_2", 150),
        _varchar("BAIRRO", 50),
        _varchar("CIDADE", 50),
        _varchar("ESTADO", 2),
        _varchar("CEP", 8),
        Column("DATA_DE_NASCIMENTO", "date", pa.date32()),
        Column("IDADE", "smallint", pa.int16()),
        _varchar("SEXO", 1),
        Column("LIMITE_DE_CREDITO", "float", pa.float32()),
        Column("VOLUME_DE_COMPRA", "float", pa.float32()),
        Column("PRIMEIRA_COMPRA", "bit(1)", pa.bool_()),
    ),
    primary_key=("CPF",),
)

VENDEDORES = Table(
    "tabela_de_vendedores",
    (
        _varchar("MATRICULA", 5, nullable=False),
        _varchar("NOME", 100),
        Column("PERCENTUAL_COMISSAO", "float", pa.float32()),
        Column("DATA_ADMISSAO", "date", pa.date32()),
        Column("DE_FERIAS", "bit(1)", pa.bool_()),
        _varchar("BAIRRO", 50),
    ),
    primary_key=("MATRICULA",),
)

PRODUTOS = Table(
    "tabela_de_produtos",
    (
        _varchar("CODIGO_DO_PRODUTO", 10, nullable=False),
        _varchar("NOME_DO_PRODUTO", 50),
        _varchar("EMBALAGEM", 20),
        _varchar("TAMANHO", 10),
        _varchar("SABOR", 20),
        Column("PRECO_DE_LISTA", "float", pa.float32(), nullable=False),
    ),
    primary_key=("CODIGO_DO_PRODUTO",),
)

NOTAS = Table(
    "notas_fiscais",
    (
        _varchar("CPF", 11, nullable=False),
        _varchar("MATRICULA", 5, nullable=False),
        Column("DATA_VENDA", "date", pa.date32()),
        Column("NUMERO", "int", pa.int32(), nullable=False),
        Column("IMPOSTO", "float", pa.float32(), nullable=False),
    ),
    primary_key=("NUMERO",),
    foreign_keys=(
        ForeignKey(("CPF",), "tabela_de_clientes", ("CPF",)),
        ForeignKey(("MATRICULA",), "tabela_de_vendedores", ("MATRICULA",)),
    ),
)

ITENS = Table(
    "itens_notas_fiscais",
    (
        Column("NUMERO", "int", pa.int32(), nullable=False),
        _varchar("CODIGO_DO_PRODUTO", 10, nullable=False),
        Column("QUANTIDADE", "int", pa.int32(), nullable=False),
        Column("PRECO", "float", pa.float32(), nullable=False),
    ),
    primary_key=("NUMERO", "CODIGO_DO_PRODUTO"),
    foreign_keys=(
        ForeignKey(("NUMERO",), "notas_fiscais", ("NUMERO",)),
        ForeignKey(("CODIGO_DO_PRODUTO",), "tabela_de_produtos", ("CODIGO_DO_PRODUTO",)),
    ),
)

DIMENSIONS = (CLIENTES, VENDEDORES, PRODUTOS)
FACTS = (NOTAS, ITENS)
TABLES = {table.name: table for table in (*DIMENSIONS, *FACTS)}
