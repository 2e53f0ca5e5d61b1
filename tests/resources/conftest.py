"""Fixtures of the resource tests: small, deterministic rows shaped like the generator's output.

Values include the awkward cases a bulk loader must carry unchanged: quotes, commas, backslashes,
line breaks, accents, empty strings next to NULLs, and float32 values that need all their digits.
"""

from datetime import date, timedelta
from types import SimpleNamespace

import numpy as np
import pyarrow as pa
import pytest

from datagen_platform.schema import CLIENTES, ITENS, NOTAS, PRODUTOS, VENDEDORES

AWKWARD_NAMES = [
    'Ana "Aninha" Souza',
    "Rua A, 12",
    "C:\\temp\\x",
    "linha 1\nlinha 2",
    "São João",
    "",
]


def customers(count: int = 12, seed: int = 1) -> pa.Table:
    rng = np.random.default_rng(seed)
    names = [AWKWARD_NAMES[i] if i < len(AWKWARD_NAMES) else f"Cliente {i}" for i in range(count)]
    return pa.table(
        {
            "CPF": [f"{10_000_000_000 + i * 7919:011d}" for i in range(count)],
            "NOME": names,
            "ENDERECO_1": [f"Rua {i}" for i in range(count)],
            "ENDERECO_2": [None if i % 3 == 0 else "" for i in range(count)],
            "BAIRRO": ["Centro"] * count,
            "CIDADE": ["Rio de Janeiro"] * count,
            "ESTADO": ["RJ"] * count,
            "CEP": [f"{20_000_000 + i:08d}" for i in range(count)],
            "DATA_DE_NASCIMENTO": [
                date(1970, 1, 1) + timedelta(days=400 * i) for i in range(count)
            ],
            "IDADE": pa.array(rng.integers(18, 90, count), pa.int16()),
            "SEXO": ["F" if i % 2 else "M" for i in range(count)],
            "LIMITE_DE_CREDITO": pa.array(rng.uniform(1e4, 2e5, count).astype(np.float32)),
            "VOLUME_DE_COMPRA": pa.array(rng.uniform(1e3, 3e4, count).astype(np.float32)),
            "PRIMEIRA_COMPRA": [None if i == 1 else i % 2 == 0 for i in range(count)],
        },
        schema=CLIENTES.arrow_schema(),
    )


def sellers(count: int = 4) -> pa.Table:
    return pa.table(
        {
            "MATRICULA": [f"{235 + i:05d}" for i in range(count)],
            "NOME": [f"Vendedor {i}" for i in range(count)],
            "PERCENTUAL_COMISSAO": pa.array([0.1, 0.08, 0.11, 0.15][:count], pa.float32()),
            "DATA_ADMISSAO": [date(2014, 8, 15) + timedelta(days=90 * i) for i in range(count)],
            "DE_FERIAS": [i % 2 == 1 for i in range(count)],
            "BAIRRO": ["Tijuca", "Jardins", "Copacabana", "Santo Amaro"][:count],
        },
        schema=VENDEDORES.arrow_schema(),
    )


def products(count: int = 8) -> pa.Table:
    return pa.table(
        {
            "CODIGO_DO_PRODUTO": [f"{1_000_000 + i * 37}" for i in range(count)],
            "NOME_DO_PRODUTO": [f"Sabor da Montanha - {i} Litro - Uva" for i in range(count)],
            "EMBALAGEM": ["Garrafa", "PET", "Lata", "Garrafa"] * (count // 4)
            + ["PET"] * (count % 4),
            "TAMANHO": ["700 ml", "1 Litro", "350 ml", "1,5 Litros"] * (count // 4)
            + ["1 Litro"] * (count % 4),
            "SABOR": ["Uva", "Laranja", "Maça", "Limão"] * (count // 4) + ["Uva"] * (count % 4),
            "PRECO_DE_LISTA": pa.array(np.linspace(3.5, 24.99, count).astype(np.float32)),
        },
        schema=PRODUTOS.arrow_schema(),
    )


def day_blocks(
    day: date, first_numero: int, invoices: int, block_size: int = 50, seed: int = 7
) -> list[tuple[pa.Table, pa.Table]]:
    """(invoices, items) blocks of one day, 1 to 3 distinct products per invoice."""
    rng = np.random.default_rng([seed, day.toordinal()])
    cpfs, matriculas = customers()["CPF"], sellers()["MATRICULA"]
    codes = products()["CODIGO_DO_PRODUTO"].to_pylist()
    blocks = []
    for start in range(0, invoices, block_size):
        numeros = np.arange(first_numero + start, first_numero + min(invoices, start + block_size))
        notas = pa.table(
            {
                "CPF": cpfs.take(rng.integers(0, len(cpfs), len(numeros))),
                "MATRICULA": matriculas.take(rng.integers(0, len(matriculas), len(numeros))),
                "DATA_VENDA": pa.array([day] * len(numeros), pa.date32()),
                "NUMERO": pa.array(numeros, pa.int32()),
                "IMPOSTO": pa.array(rng.choice([0.1, 0.12, 0.18], len(numeros)), pa.float32()),
            },
            schema=NOTAS.arrow_schema(),
        )
        blocks.append((notas, _items(numeros, codes, rng)))
    return blocks


def _items(numeros: np.ndarray, codes: list[str], rng: np.random.Generator) -> pa.Table:
    per_invoice = rng.integers(1, 4, len(numeros))
    item_numeros = np.repeat(numeros, per_invoice)
    item_codes = [c for n in per_invoice for c in rng.choice(codes, n, replace=False)]
    return pa.table(
        {
            "NUMERO": pa.array(item_numeros, pa.int32()),
            "CODIGO_DO_PRODUTO": item_codes,
            "QUANTIDADE": pa.array(rng.integers(1, 200, len(item_numeros)), pa.int32()),
            "PRECO": pa.array(rng.uniform(2, 30, len(item_numeros)).astype(np.float32)),
        },
        schema=ITENS.arrow_schema(),
    )


def concat(blocks: list[tuple[pa.Table, pa.Table]], which: int) -> pa.Table:
    return pa.concat_tables([block[which] for block in blocks])


@pytest.fixture
def sample() -> SimpleNamespace:
    """The row builders above (a conftest module cannot be imported by the tests themselves)."""
    return SimpleNamespace(
        customers=customers,
        sellers=sellers,
        products=products,
        day_blocks=day_blocks,
        concat=concat,
    )
