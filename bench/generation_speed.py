"""How fast the pure generator builds facts and dimensions, pinned to one CPU core.

Run `python bench/generation_speed.py [--repeats 7] [--seed 42]`. Each case is timed several
times; the first, cold run (which fills the per-scenario caches of dimension keys and Faker pools)
is shown apart, and the median of the others gives rows per second (notas plus itens for a day).
"""

import argparse
import os
import statistics
import time
from collections.abc import Callable
from datetime import date

from datagen_platform import schema
from datagen_platform.generation import PROFILES, Scenario, generate_day, generate_dimension

START = date(2015, 1, 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7, help="timed runs per case (default 7)")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    core = _pin_to_one_core()

    large = Scenario(args.seed, PROFILES["large"], START)
    classic = Scenario(args.seed, PROFILES["classic"], START)
    cases = [
        ("large day, Wednesday in March", lambda: _day_rows(large, date(2015, 3, 4))),
        ("large day, Friday in January", lambda: _day_rows(large, date(2015, 1, 2))),
        ("classic day, Friday in January", lambda: _day_rows(classic, date(2015, 1, 2))),
        ("large tabela_de_clientes", lambda: _dimension_rows(large, schema.CLIENTES.name)),
        ("large tabela_de_produtos", lambda: _dimension_rows(large, schema.PRODUTOS.name)),
    ]

    print(f"generation speed, median of {args.repeats} runs on CPU core {core}\n")
    print(
        f"| {'case':<32} | {'rows':>9} | {'first run s':>11} | {'median s':>8} | {'rows/s':>11} |"
    )
    print(f"|{'-' * 34}|{'-' * 11}|{'-' * 13}|{'-' * 10}|{'-' * 13}|")
    for name, run in cases:
        rows, first, median = _time(run, args.repeats)
        print(
            f"| {name:<32} | {rows:>9,} | {first:>11.4f} | {median:>8.4f} "
            f"| {rows / median:>11,.0f} |"
        )


def _pin_to_one_core() -> int:
    # The target is per core: keep numpy and Arrow from spreading over the machine.
    core = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {core})
    return core


def _time(run: Callable[[], int], repeats: int) -> tuple[int, float, float]:
    """Rows, the first (cold) run's seconds and the median seconds of the later runs."""
    started = time.perf_counter()
    rows = run()  # cold: fills the per-scenario caches of dimension keys and Faker pools
    first = time.perf_counter() - started
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        timings.append(time.perf_counter() - started)
    return rows, first, statistics.median(timings)


def _day_rows(scenario: Scenario, day: date) -> int:
    facts = generate_day(scenario, day)
    return facts.notas.num_rows + facts.itens.num_rows


def _dimension_rows(scenario: Scenario, table: str) -> int:
    return generate_dimension(scenario, table).num_rows


if __name__ == "__main__":
    main()
