import numpy as np
import pytest

from datagen_platform.generation.identifiers import digit_strings, make_cpfs


@pytest.mark.parametrize(
    ("body", "region", "expected"),
    [(11144477, 7, "11144477735"), (52998224, 7, "52998224725"), (0, 1, "00000000191")],
)
def test_known_cpfs_get_their_published_check_digits(body, region, expected):
    assert make_cpfs(np.array([body]), np.array([region])).to_pylist() == [expected]


def test_every_generated_cpf_passes_an_independent_validator(cpf_is_valid):
    gen = np.random.default_rng(5)
    cpfs = make_cpfs(gen.integers(0, 10**8, 20_000), gen.integers(0, 10, 20_000)).to_pylist()
    assert all(cpf_is_valid(cpf) for cpf in cpfs)
    # Both check digits take every value, so no branch of the rule is left untested.
    assert {cpf[9] for cpf in cpfs} == set("0123456789")
    assert {cpf[10] for cpf in cpfs} == set("0123456789")


def test_validator_rejects_a_wrong_check_digit(cpf_is_valid):
    assert cpf_is_valid("52998224725")
    assert not cpf_is_valid("52998224726")


def test_digit_strings_are_zero_padded_to_width():
    assert digit_strings(np.array([0, 7, 235, 99999]), 5).to_pylist() == [
        "00000",
        "00007",
        "00235",
        "99999",
    ]
