import re
from datetime import date

import pyarrow as pa
import pytest
from faker.providers.person.pt_BR import Provider as PersonProvider

from datagen_platform import schema
from datagen_platform.generation import Scenario, generate_dimension
from datagen_platform.generation.catalog import CITIES, CPF_REGION

PACK_SIZES = {
    "Lata": {"350 ml"},
    "Garrafa": {"470 ml", "700 ml"},
    "PET": {"1 Litro", "1,5 Litros"},
}
FLAVOURS = {"Laranja", "Uva", "Limão", "Maçã", "Manga", "Maracujá", "Morango", "Melancia", "Açai",
            "Lima/Limão", "Cereja/Maçã", "Framboesa"}  # fmt: skip


def rows(table: pa.Table) -> list[dict]:
    return table.to_pylist()


@pytest.mark.parametrize("table", schema.DIMENSIONS, ids=lambda table: table.name)
@pytest.mark.parametrize("scenario_name", ["classic", "small"])
def test_dimension_has_the_schema_size_and_unique_key(request, table, scenario_name):
    scenario = request.getfixturevalue(scenario_name)
    generated = generate_dimension(scenario, table.name)
    size = {"tabela_de_clientes": "customers", "tabela_de_vendedores": "sellers"}
    expected_rows = getattr(scenario.profile, size.get(table.name, "products"))

    assert generated.schema == table.arrow_schema()
    assert generated.num_rows == expected_rows
    key = generated.column(table.primary_key[0]).to_pylist()
    assert len(set(key)) == expected_rows
    assert sum(column.null_count for column in generated.columns) == 0


@pytest.mark.parametrize("table", schema.DIMENSIONS, ids=lambda table: table.name)
def test_text_fits_the_varchar_lengths(large, table):
    generated = generate_dimension(large, table.name)
    for column in table.columns:
        match = re.fullmatch(r"varchar\((\d+)\)", column.sql_type)
        if match:
            longest = max(len(value) for value in generated.column(column.name).to_pylist())
            assert longest <= int(match.group(1)), column.name


def test_dimensions_are_static_per_scenario_and_change_with_the_seed(classic):
    for table in schema.DIMENSIONS:
        assert generate_dimension(classic, table.name).equals(
            generate_dimension(classic, table.name)
        )
    other = Scenario(classic.seed + 1, classic.profile, classic.start_date)
    assert (
        generate_dimension(other, "tabela_de_clientes")["CPF"]
        != generate_dimension(classic, "tabela_de_clientes")["CPF"]
    )


def test_customers_are_consistent_people_and_places(large, cpf_is_valid):
    customers = rows(generate_dimension(large, "tabela_de_clientes"))
    cities = {city: (state, low, high) for city, state, low, high, _ in CITIES}
    male, female = PersonProvider.first_names_male, PersonProvider.first_names_female
    start = large.start_date

    assert len({row["CPF"] for row in customers}) == 100_000
    for row in customers[:5000]:
        assert cpf_is_valid(row["CPF"]), row
        state, low, high = cities[row["CIDADE"]]
        assert row["ESTADO"] == state
        assert int(row["CPF"][8]) == CPF_REGION[state]
        assert re.fullmatch(r"\d{8}", row["CEP"]) and low <= int(row["CEP"][:5]) <= high
        names = male if row["SEXO"] == "M" else female
        assert any(row["NOME"].startswith(name + " ") for name in names), row["NOME"]
        assert re.fullmatch(r"(Rua|Avenida|Travessa|Alameda) .+, \d+", row["ENDERECO_1"])
        assert re.fullmatch(r"((Apto|Casa|Sala|Loja) \d+)?", row["ENDERECO_2"])
        born = row["DATA_DE_NASCIMENTO"]
        age = start.year - born.year - ((start.month, start.day) < (born.month, born.day))
        assert row["IDADE"] == age and 18 <= age <= 80
        assert row["VOLUME_DE_COMPRA"] >= 500 and row["VOLUME_DE_COMPRA"] % 500 == 0
        assert row["LIMITE_DE_CREDITO"] % 1000 == 0
        ratio = row["LIMITE_DE_CREDITO"] / row["VOLUME_DE_COMPRA"]
        assert 3.5 <= ratio <= 8.5

    sexes = [row["SEXO"] for row in customers]
    assert 0.48 < sexes.count("F") / len(sexes) < 0.52


def test_sellers_have_consecutive_matriculas_in_order_of_hire(large):
    sellers = rows(generate_dimension(large, "tabela_de_vendedores"))
    numbers = [int(row["MATRICULA"]) for row in sellers]
    assert all(re.fullmatch(r"\d{5}", row["MATRICULA"]) for row in sellers)
    assert numbers == list(range(numbers[0], numbers[0] + 1000))
    hired = [row["DATA_ADMISSAO"] for row in sellers]
    assert hired == sorted(hired) and hired[-1] < large.start_date
    assert {round(row["PERCENTUAL_COMISSAO"], 2) for row in sellers} <= {
        n / 100 for n in range(8, 16)
    }
    on_vacation = sum(row["DE_FERIAS"] for row in sellers)
    assert 200 <= on_vacation <= 300


def test_products_are_juices_with_matching_pack_size_and_name(large):
    products = rows(generate_dimension(large, "tabela_de_produtos"))
    for row in products:
        assert re.fullmatch(r"\d{7}", row["CODIGO_DO_PRODUTO"])
        assert row["TAMANHO"] in PACK_SIZES[row["EMBALAGEM"]]
        assert row["SABOR"] in FLAVOURS
        brand, size, flavour = row["NOME_DO_PRODUTO"].split(" - ")
        assert (size, flavour) == (row["TAMANHO"], row["SABOR"]) and brand
        assert 1.0 < row["PRECO_DE_LISTA"] < 25.0
    names = [row["NOME_DO_PRODUTO"] for row in products]
    assert len(set(names)) == len(names)
    # A litre and a half costs more than a can, flavour for flavour, within a brand.
    by_name = {row["NOME_DO_PRODUTO"]: row["PRECO_DE_LISTA"] for row in products}
    pairs = [
        (price, by_name[name.replace("1,5 Litros", "350 ml")])
        for name, price in by_name.items()
        if "1,5 Litros" in name and name.replace("1,5 Litros", "350 ml") in by_name
    ]
    assert pairs and all(big > can for big, can in pairs)


def test_classic_has_few_brands_and_dates_relative_to_the_start(classic):
    products = rows(generate_dimension(classic, "tabela_de_produtos"))
    assert len({row["NOME_DO_PRODUTO"].split(" - ")[0] for row in products}) <= 4
    later = Scenario(classic.seed, classic.profile, date(2020, 6, 1))
    ages = generate_dimension(later, "tabela_de_clientes")["IDADE"].to_pylist()
    assert all(18 <= age <= 80 for age in ages)
