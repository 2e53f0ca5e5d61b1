"""Work measured in a fresh process, so that its peak memory is its own.

The parent runs `python -m bench.probe <task> <json arguments>`; the child does the work once
and prints one JSON line with its results, its peak resident set size and how much that peak
exceeds the resident size just before the work started (imports and setup excluded).

The peak is the kernel's high-water mark of this process's own memory (`VmHWM`), not
`ru_maxrss`: on Linux the latter carries over the parent's peak through fork and exec, so a
child of a big parent would report the parent's size.
"""

import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent


def run_probe(task: str, env: dict[str, str] | None = None, **arguments: object) -> dict:
    """Run `task` with `arguments` in a child process and return what it printed."""
    completed = subprocess.run(
        [sys.executable, "-m", "bench.probe", task, json.dumps(arguments)],
        cwd=ROOT,
        env={**os.environ, **(env or {}), "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"probe {task} failed:\n{completed.stderr[-3000:]}")
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _generation(profile: str, contender: str, seed: int) -> tuple[Callable[[], dict], dict]:
    from bench import contenders

    scenario = contenders.scenario_for(profile, seed)
    plan = contenders.plan_day(scenario)
    return lambda: {"rows": contenders.build(contender, scenario, plan, seed)}, {}


def _load_day(
    database: str, profile: str, invoices: int, seed: int
) -> tuple[Callable[[], dict], dict]:
    from bench.database import Server
    from bench.scenarios import busy_scenario, first_invoices

    scenario = busy_scenario(profile, invoices, seed)
    db = Server.from_env().resource(database)
    day = scenario.start_date

    def work() -> dict:
        result = db.replace_day(day, first_invoices(scenario, day, invoices))
        return {"rows": sum(result.rows.values()), "load_seconds": result.seconds}

    return work, {"invoices": invoices}


def peak_rss() -> int:
    """This process's peak resident set size in bytes."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024  # reported in kB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB where no /proc


_TASKS = {"generation": _generation, "load-day": _load_day}


def main() -> None:
    task, arguments = sys.argv[1], json.loads(sys.argv[2])
    if task not in _TASKS:
        raise SystemExit(f"unknown probe task {task!r}; expected one of {', '.join(_TASKS)}")
    if task == "generation":
        # Timed generation runs on one core in the parent; the memory run matches it.
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    work, extra = _TASKS[task](**arguments)
    before = psutil.Process().memory_info().rss
    started = time.perf_counter()
    result = work()
    seconds = time.perf_counter() - started
    peak = peak_rss()
    print(
        json.dumps(
            {
                **result,
                **extra,
                "seconds": seconds,
                "peak_rss": peak,
                "added_rss": max(peak - before, 0),
            }
        )
    )


if __name__ == "__main__":
    main()
