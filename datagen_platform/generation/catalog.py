"""Fixed vocabularies the dimensions are drawn from: juice catalogue, cities and street kinds.

Brands are invented; cities are real, with their state and the CEP prefixes of their postal range,
so that city, state, CEP and the fiscal region digit of a customer's CPF agree with each other.
"""

BRAND_HEADS = (
    "Pomar", "Frescor", "Sabor", "Brisa", "Fruta", "Sol",
    "Gota", "Doce", "Colheita", "Polpa", "Suco", "Néctar",
)  # fmt: skip
BRAND_TAILS = (
    "Tropical", "do Vale", "da Serra", "do Campo", "da Terra", "do Sul",
    "da Mata", "do Cerrado", "Real", "Natural", "Premium", "Brasil",
)  # fmt: skip

# (EMBALAGEM, TAMANHO, litres, price factor per litre): small packs cost more per litre.
PACKS = (
    ("Lata", "350 ml", 0.35, 1.30),
    ("Garrafa", "470 ml", 0.47, 1.15),
    ("Garrafa", "700 ml", 0.70, 1.05),
    ("PET", "1 Litro", 1.00, 0.95),
    ("PET", "1,5 Litros", 1.50, 0.90),
)

# (SABOR, list price per litre in BRL at the start of the scenario)
FLAVOURS = (
    ("Laranja", 5.50),
    ("Uva", 6.50),
    ("Limão", 5.20),
    ("Maçã", 6.00),
    ("Manga", 6.40),
    ("Maracujá", 7.00),
    ("Morango", 7.60),
    ("Melancia", 5.40),
    ("Açai", 9.20),
    ("Lima/Limão", 5.90),
    ("Cereja/Maçã", 8.30),
    ("Framboesa", 9.80),
)

PRODUCTS_PER_BRAND = len(PACKS) * len(FLAVOURS)
MAX_PRODUCTS = len(BRAND_HEADS) * len(BRAND_TAILS) * PRODUCTS_PER_BRAND

# (CIDADE, ESTADO, lowest and highest 5-digit CEP prefix of the city, relative weight)
CITIES = (
    ("São Paulo", "SP", 1000, 5999, 12.0),
    ("Rio de Janeiro", "RJ", 20000, 23799, 7.0),
    ("Belo Horizonte", "MG", 30000, 31999, 3.0),
    ("Brasília", "DF", 70000, 72799, 3.0),
    ("Salvador", "BA", 40000, 42599, 3.0),
    ("Fortaleza", "CE", 60000, 61599, 3.0),
    ("Curitiba", "PR", 80000, 82999, 2.0),
    ("Recife", "PE", 50000, 52999, 2.0),
    ("Porto Alegre", "RS", 90000, 91999, 2.0),
    ("Manaus", "AM", 69000, 69099, 2.0),
    ("Belém", "PA", 66000, 66999, 2.0),
    ("Goiânia", "GO", 74000, 74899, 2.0),
    ("Campinas", "SP", 13000, 13139, 1.5),
    ("Guarulhos", "SP", 7000, 7399, 1.5),
    ("Niterói", "RJ", 24000, 24399, 1.0),
    ("Santos", "SP", 11000, 11099, 1.0),
    ("São Luís", "MA", 65000, 65109, 1.0),
    ("Maceió", "AL", 57000, 57099, 1.0),
    ("Natal", "RN", 59000, 59139, 1.0),
    ("Florianópolis", "SC", 88000, 88099, 1.0),
    ("Vitória", "ES", 29000, 29099, 1.0),
    ("João Pessoa", "PB", 58000, 58099, 1.0),
    ("Teresina", "PI", 64000, 64099, 1.0),
    ("Campo Grande", "MS", 79000, 79129, 1.0),
    ("Cuiabá", "MT", 78000, 78099, 1.0),
    ("Aracaju", "SE", 49000, 49099, 1.0),
)

# The ninth digit of a CPF names the fiscal region that issued it.
CPF_REGION = {
    **dict.fromkeys(("DF", "GO", "MS", "MT", "TO"), 1),
    **dict.fromkeys(("AC", "AM", "AP", "PA", "RO", "RR"), 2),
    **dict.fromkeys(("CE", "MA", "PI"), 3),
    **dict.fromkeys(("AL", "PB", "PE", "RN"), 4),
    **dict.fromkeys(("BA", "SE"), 5),
    "MG": 6,
    **dict.fromkeys(("ES", "RJ"), 7),
    "SP": 8,
    **dict.fromkeys(("PR", "SC"), 9),
    "RS": 0,
}

STREET_KINDS = (("Rua", 0.70), ("Avenida", 0.18), ("Travessa", 0.06), ("Alameda", 0.06))
COMPLEMENTS = ("Apto", "Casa", "Sala", "Loja")
