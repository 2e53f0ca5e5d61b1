from datetime import date, timedelta

import pytest

from datagen_platform.generation import PROFILES, Scenario, generate_day

START = date(2015, 1, 1)


@pytest.fixture(scope="session")
def classic() -> Scenario:
    return Scenario(seed=42, profile=PROFILES["classic"], start_date=START)


@pytest.fixture(scope="session")
def small() -> Scenario:
    return Scenario(seed=7, profile=PROFILES["small"], start_date=START)


@pytest.fixture(scope="session")
def large() -> Scenario:
    return Scenario(seed=3, profile=PROFILES["large"], start_date=START)


@pytest.fixture(scope="session")
def classic_year(classic):
    """Every day of the first classic year, keyed by date."""
    days = [START + timedelta(days=offset) for offset in range(365)]
    return {day: generate_day(classic, day) for day in days}


def _cpf_is_valid(cpf: str) -> bool:
    """Check digits by the 'sum times ten, modulo 11, modulo 10' formulation of the rule."""
    if len(cpf) != 11 or not cpf.isdigit() or len(set(cpf)) == 1:
        return False
    digits = [int(char) for char in cpf]
    for length in (9, 10):
        total = sum(
            digit * weight
            for digit, weight in zip(digits[:length], range(length + 1, 1, -1), strict=True)
        )
        if total * 10 % 11 % 10 != digits[length]:
            return False
    return True


@pytest.fixture(scope="session")
def cpf_is_valid():
    """An independent CPF validator: True when both check digits are right."""
    return _cpf_is_valid
