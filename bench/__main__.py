"""`python -m bench`: run the benchmark suite and write its report (see bench/README.md)."""

import argparse
import shlex
import sys
from pathlib import Path

from bench.core import Options
from bench.database import Server
from bench.suite import BENCHMARKS, run_suite


def parse(argv: list[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="tiny sizes: checks that it all runs")
    parser.add_argument(
        "--only", default="", help=f"comma-separated benchmarks among: {', '.join(BENCHMARKS)}"
    )
    parser.add_argument("--repeat", type=int, default=None, help="repetitions (default 3; 2 quick)")
    parser.add_argument("--growth-iterations", type=int, default=None, help="default 50 (5 quick)")
    parser.add_argument(
        "--growth-invoices", type=int, default=None, help="invoices per iteration, default 100000"
    )
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", type=Path, default=Path("bench/reports"), help="report folder")
    args = parser.parse_args(argv)

    quick = args.quick
    options = Options(
        server=Server.from_env(),
        out=args.out,
        quick=quick,
        only=tuple(name.strip() for name in args.only.split(",") if name.strip()),
        repeat=args.repeat or (2 if quick else 3),
        growth_iterations=args.growth_iterations or (5 if quick else 50),
        growth_invoices=args.growth_invoices or (500 if quick else 100_000),
        seed=args.seed,
    )
    if min(options.repeat, options.growth_iterations, options.growth_invoices) < 1:
        parser.error("--repeat, --growth-iterations and --growth-invoices must be at least 1")
    if options.growth_iterations < 2:
        parser.error("--growth-iterations must be at least 2 to fit a slope")
    return options


def main(argv: list[str] | None = None) -> int:
    options = parse(argv)
    command = shlex.join(["python", "-m", "bench", *(sys.argv[1:] if argv is None else argv)])
    try:
        result = run_suite(options, command)
    except ValueError as error:
        print(f"bench: {error}", file=sys.stderr)
        return 2
    print(result.report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
