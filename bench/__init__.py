"""The benchmark suite: measures the platform's design claims and speed targets side by side.

Run it with `python -m bench` (see bench/README.md); `bench.suite.run_suite` does the same from
code, as the `bench_report` asset does.
"""
