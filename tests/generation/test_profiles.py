from pathlib import Path

import pytest

from datagen_platform.errors import ConfigError
from datagen_platform.generation import PROFILES, Profile, load_profile


def write(tmp_path: Path, text: str, name: str = "shop.toml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_builtin_profiles_have_the_documented_scale():
    classic, small, large = PROFILES["classic"], PROFILES["small"], PROFILES["large"]
    assert (classic.customers, classic.sellers, classic.products) == (15, 4, 31)
    assert (classic.invoices_per_day, classic.items_per_invoice) == (75.0, 2.5)
    assert (classic.invoice_capacity, classic.numero_type) == (1000, "int")
    assert (small.customers, small.sellers, small.products, small.invoices_per_day) == (
        8,
        3,
        10,
        10,
    )
    assert large.customers >= 100_000 and large.sellers >= 1000 and large.products >= 500
    assert large.invoices_per_day >= 100_000 and large.numero_type == "bigint"


def test_builtin_name_returns_the_builtin_profile():
    assert load_profile("large") is PROFILES["large"]


def test_toml_overrides_fields_of_its_base(tmp_path):
    profile = load_profile(write(tmp_path, 'base = "small"\ncustomers = 250\nsellers = 12\n'))
    assert profile == Profile("shop", 250, 12, 10, 10.0, 2.0, 100, "int")


def test_toml_without_base_starts_from_classic_and_may_set_its_name(tmp_path):
    profile = load_profile(write(tmp_path, 'name = "north"\ninvoices_per_day = 120\n'))
    assert (profile.name, profile.customers, profile.invoices_per_day) == ("north", 15, 120)


def test_toml_capacity_above_int_range_derives_bigint(tmp_path):
    path = write(tmp_path, "invoices_per_day = 30000\ninvoice_capacity = 1000000\n")
    assert load_profile(path).numero_type == "bigint"


def test_unknown_name_lists_the_builtin_profiles():
    with pytest.raises(ConfigError) as error:
        load_profile("huge")
    assert str(error.value) == (
        "DATAGEN_PROFILE='huge' is not a built-in profile; expected one of classic, small, large "
        "or the path of a .toml file"
    )


def test_unknown_toml_key_lists_the_allowed_keys(tmp_path):
    path = write(tmp_path, "customers = 20\ncostumers = 20\n")
    with pytest.raises(ConfigError) as error:
        load_profile(path)
    assert str(error.value) == (
        f"DATAGEN_PROFILE={path!r}: unknown key 'costumers'; allowed keys: base, name, customers, "
        "sellers, products, invoices_per_day, items_per_invoice, invoice_capacity, numero_type, "
        "growth_rate, growth_cap"
    )


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("customers = 0", "customers = 0 is not allowed; expected 1..10000000"),
        ('customers = "many"', "customers = 'many' is not allowed; expected an integer"),
        ("sellers = 2.5", "sellers = 2.5 is not allowed; expected an integer"),
        ("invoices_per_day = -1", "invoices_per_day = -1 is not allowed; expected a number > 0"),
        (
            "items_per_invoice = 40",
            "items_per_invoice = 40 is not allowed; expected 1..12 (at most the product count "
            "and 12)",
        ),
        (
            "invoice_capacity = 1500",
            "invoice_capacity = 1500 is not allowed; expected a power of 10 such as 1000",
        ),
        (
            "invoice_capacity = 100",
            "invoice_capacity = 100 is not allowed; the busiest day may reach 481 invoices, "
            "so use 1000 or more",
        ),
        ('base = "tiny"', "base = 'tiny' is not allowed; expected one of classic, small, large"),
        (
            'numero_type = "long"',
            "numero_type = 'long' is not allowed with invoice_capacity = "
            "1000; expected 'int' or 'bigint'",
        ),
    ],
)
def test_bad_toml_value_names_the_field_and_what_is_allowed(tmp_path, line, message):
    path = write(tmp_path, line + "\n")
    with pytest.raises(ConfigError) as error:
        load_profile(path)
    assert str(error.value) == f"DATAGEN_PROFILE={path!r}: {message}"


def test_int_numero_is_refused_when_capacity_needs_bigint(tmp_path):
    path = write(tmp_path, 'invoice_capacity = 100000\nnumero_type = "int"\n')
    with pytest.raises(ConfigError) as error:
        load_profile(path)
    assert str(error.value) == (
        f"DATAGEN_PROFILE={path!r}: numero_type = 'int' is not allowed with invoice_capacity = "
        "100000; expected 'bigint'"
    )


def test_missing_and_malformed_files_are_config_errors(tmp_path):
    missing = str(tmp_path / "absent.toml")
    with pytest.raises(ConfigError, match=r"^DATAGEN_PROFILE='.*absent.toml': no such file$"):
        load_profile(missing)
    broken = write(tmp_path, "customers = = 3\n", name="broken.toml")
    with pytest.raises(ConfigError, match=r"broken.toml': cannot read the profile file: "):
        load_profile(broken)


def test_profiles_built_in_code_are_validated_too():
    with pytest.raises(ConfigError, match=r"^products = 0 is not allowed; expected 1\.\.8640$"):
        Profile("x", 10, 2, 0, 5.0, 1.0, 100, "int")
