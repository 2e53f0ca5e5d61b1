"""MariaDB specifics: connection errors, local_infile, schema checks and the database itself."""

import socket
import uuid
from datetime import date

import pymysql
import pytest

from datagen_platform.errors import (
    ConfigError,
    DatabaseUnreachableError,
    LocalInfileDisabledError,
    SchemaMismatchError,
)
from datagen_platform.resources import MariaDBResource

pytestmark = pytest.mark.mariadb

DAY = date(2024, 3, 8)


def _sql(resource: MariaDBResource, *statements: str) -> list[tuple]:
    """Run statements as the test's own client and return the last one's rows."""
    conn = pymysql.connect(
        host=resource.host,
        port=resource.port,
        user=resource.user,
        password=resource.password,
        database=resource.database,
        autocommit=True,
    )
    with conn, conn.cursor() as cur:
        for statement in statements:
            cur.execute(statement)
        return list(cur.fetchall())


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_ensure_schema_creates_the_database(mariadb_resource):
    name = f"datagen_test_{uuid.uuid4().hex[:10]}"
    fresh = mariadb_resource.model_copy(update={"database": name})
    try:
        fresh.ensure_schema()
        tables = _sql(fresh, "SHOW TABLES")
    finally:
        _sql(mariadb_resource, f"DROP DATABASE IF EXISTS `{name}`")

    assert sorted(row[0] for row in tables) == [
        "itens_notas_fiscais",
        "notas_fiscais",
        "tabela_de_clientes",
        "tabela_de_produtos",
        "tabela_de_vendedores",
    ]


def test_the_tables_have_the_classic_column_types_and_keys(mariadb_resource):
    mariadb_resource.ensure_schema()

    columns = _sql(
        mariadb_resource,
        "SELECT COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE FROM information_schema.COLUMNS "
        "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'tabela_de_clientes' "
        "ORDER BY ORDINAL_POSITION",
    )
    foreign = _sql(
        mariadb_resource,
        "SELECT TABLE_NAME, COLUMN_NAME, REFERENCED_TABLE_NAME FROM "
        "information_schema.KEY_COLUMN_USAGE WHERE TABLE_SCHEMA = DATABASE() "
        "AND REFERENCED_TABLE_NAME IS NOT NULL ORDER BY TABLE_NAME, COLUMN_NAME",
    )
    indexes = _sql(mariadb_resource, "SHOW INDEX FROM notas_fiscais WHERE Key_name LIKE 'IX%'")

    assert columns[0] == ("CPF", "varchar(11)", "NO")
    assert columns[9] == ("IDADE", "smallint(6)", "YES")
    assert columns[11] == ("LIMITE_DE_CREDITO", "float", "YES")
    assert columns[13] == ("PRIMEIRA_COMPRA", "bit(1)", "YES")
    assert foreign == [
        ("itens_notas_fiscais", "CODIGO_DO_PRODUTO", "tabela_de_produtos"),
        ("itens_notas_fiscais", "NUMERO", "notas_fiscais"),
        ("notas_fiscais", "CPF", "tabela_de_clientes"),
        ("notas_fiscais", "MATRICULA", "tabela_de_vendedores"),
    ]
    assert [(row[2], row[4]) for row in indexes] == [("IX_NOTAS_DATA_VENDA", "DATA_VENDA")]


@pytest.mark.parametrize(
    ("change", "difference"),
    [
        ("ALTER TABLE tabela_de_produtos DROP COLUMN SABOR", "column SABOR is missing"),
        (
            "ALTER TABLE tabela_de_produtos MODIFY PRECO_DE_LISTA DOUBLE NOT NULL",
            "column PRECO_DE_LISTA is double, expected float",
        ),
        (
            "ALTER TABLE tabela_de_produtos MODIFY EMBALAGEM VARCHAR(20) NOT NULL",
            "column EMBALAGEM is NOT NULL, expected nullable",
        ),
        (
            "ALTER TABLE tabela_de_produtos ADD COLUMN ESTOQUE INT",
            "unexpected column ESTOQUE",
        ),
        (
            "ALTER TABLE tabela_de_produtos DROP PRIMARY KEY, ADD PRIMARY KEY "
            "(CODIGO_DO_PRODUTO, SABOR)",
            "column SABOR is NOT NULL, expected nullable; primary key is "
            "(CODIGO_DO_PRODUTO, SABOR), expected (CODIGO_DO_PRODUTO)",
        ),
    ],
)
def test_a_table_of_another_shape_is_reported_not_altered(mariadb_resource, change, difference):
    mariadb_resource.ensure_schema()
    _sql(mariadb_resource, "DROP TABLE itens_notas_fiscais", change)

    with pytest.raises(SchemaMismatchError) as caught:
        mariadb_resource.ensure_schema()

    assert str(caught.value) == (
        f"table tabela_de_produtos in {mariadb_resource.describe()} differs from the expected "
        f"schema: {difference}. The platform never alters an existing table; drop it or use "
        f"another database."
    )


def test_a_missing_foreign_key_is_reported(mariadb_resource):
    mariadb_resource.ensure_schema()
    _sql(mariadb_resource, "ALTER TABLE notas_fiscais DROP FOREIGN KEY FK_NOTAS_VENDEDORES")

    with pytest.raises(SchemaMismatchError, match=r"notas_fiscais .* foreign key \(MATRICULA\) "):
        mariadb_resource.ensure_schema()


def test_an_unreachable_port_names_host_port_and_cause(mariadb_resource):
    port = _closed_port()
    closed = mariadb_resource.model_copy(update={"port": port})

    with pytest.raises(DatabaseUnreachableError) as caught:
        closed.ensure_schema()

    assert str(caught.value).startswith(f"cannot connect to MariaDB at 127.0.0.1:{port} as root: ")
    assert "Connection refused" in str(caught.value)
    assert str(caught.value).endswith(
        "Check MARIADB_HOST, MARIADB_PORT, MARIADB_USER and MARIADB_PASSWORD."
    )


def test_a_wrong_password_is_reported_without_the_password(mariadb_resource):
    secret = "Wr0ng-Pa55word"
    wrong = mariadb_resource.model_copy(update={"password": secret})

    with pytest.raises(DatabaseUnreachableError) as caught:
        wrong.read_table("notas_fiscais")

    message = str(caught.value)
    assert message.startswith(
        f"cannot connect to MariaDB at {wrong.host}:{wrong.port} as {wrong.user}: Access denied"
    )
    assert secret not in message
    assert secret not in repr(caught.value.__cause__) + repr(caught.value.__context__)
    assert secret not in wrong.describe()


def test_tls_modes_follow_what_the_server_offers(mariadb_resource):
    server = pymysql.connect(host=mariadb_resource.host, port=mariadb_resource.port, user="root")
    with server, server.cursor() as cur:
        cur.execute("SELECT @@have_ssl")
        server_tls = cur.fetchone()[0] == "YES"
    mariadb_resource.ensure_schema()
    preferred = mariadb_resource.model_copy(update={"ssl": "preferred"})
    required = mariadb_resource.model_copy(update={"ssl": "required"})
    invalid = mariadb_resource.model_copy(update={"ssl": "sometimes"})

    assert preferred.read_table("notas_fiscais").num_rows == 0
    if server_tls:
        assert required.read_table("notas_fiscais").num_rows == 0
    else:
        with pytest.raises(DatabaseUnreachableError, match="cannot connect to MariaDB at"):
            required.read_table("notas_fiscais")
    with pytest.raises(ConfigError, match="MARIADB_SSL='sometimes' is not allowed"):
        invalid.read_table("notas_fiscais")


def test_local_infile_off_is_explained(mariadb_resource, sample):
    mariadb_resource.ensure_schema()
    mariadb_resource.load_dimension("tabela_de_clientes", sample.customers())
    mariadb_resource.load_dimension("tabela_de_vendedores", sample.sellers())
    mariadb_resource.load_dimension("tabela_de_produtos", sample.products())
    try:
        # The server is shared: the global goes back on whatever happens.
        _sql(mariadb_resource, "SET GLOBAL local_infile = 0")
        with pytest.raises(LocalInfileDisabledError) as caught:
            mariadb_resource.replace_day(DAY, sample.day_blocks(DAY, 1, 10))
    finally:
        _sql(mariadb_resource, "SET GLOBAL local_infile = 1")

    assert str(caught.value) == (
        f"the MariaDB server at {mariadb_resource.host}:{mariadb_resource.port} has "
        f"local_infile disabled, so it refuses LOAD DATA LOCAL INFILE, which the platform loads "
        f"data with. Enable it with `SET GLOBAL local_infile = 1` (as an administrator) or with "
        f"`local_infile=1` in the [mysqld] section of the server config."
    )
    assert mariadb_resource.day_counts(DAY, DAY) == {}


def test_a_database_name_that_is_not_an_identifier_is_refused(mariadb_resource):
    odd = mariadb_resource.model_copy(update={"database": "vendas; DROP"})

    with pytest.raises(ConfigError) as caught:
        odd.ensure_schema()

    assert str(caught.value) == (
        "MARIADB_DATABASE='vendas; DROP' is not allowed; use letters, digits and underscores"
    )


def test_values_are_stored_as_typed_values_not_text(mariadb_resource, sample):
    mariadb_resource.ensure_schema()
    mariadb_resource.load_dimension("tabela_de_clientes", sample.customers())

    rows = _sql(
        mariadb_resource,
        "SELECT NOME, ENDERECO_2 IS NULL, PRIMEIRA_COMPRA + 0 FROM tabela_de_clientes "
        "ORDER BY CPF LIMIT 6",
    )

    assert rows == [
        ('Ana "Aninha" Souza', 1, 1),
        ("Rua A, 12", 0, None),
        ("C:\\temp\\x", 0, 1),
        ("linha 1\nlinha 2", 1, 0),
        ("São João", 0, 1),
        ("", 0, 0),
    ]
