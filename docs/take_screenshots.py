"""Regenerate docs/lineage.png: the lineage page of the Dagster UI after a real three-day backfill.

Runs the end-to-end server test (a MariaDB server and the `chromium` browser are needed) with
DATAGEN_SCREENSHOT_DIR pointing here, so the screenshot it takes lands in this folder:

    .venv/bin/python docs/take_screenshots.py
"""

import os
import subprocess
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent


def main() -> int:
    environment = {**os.environ, "DATAGEN_SCREENSHOT_DIR": str(DOCS)}
    command = [sys.executable, "-m", "pytest", "-q", "tests/e2e/test_servers.py"]
    return subprocess.run(command, cwd=DOCS.parent, env=environment, check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
