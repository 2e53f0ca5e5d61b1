"""Progress reporting from inside asset bodies, shown as a bar by the CLI and ignored elsewhere."""

from typing import Protocol


class ProgressReporter(Protocol):
    """Receives one call per finished unit of work; must be cheap and never raise."""

    def advance(self, label: str, rows: int) -> None: ...


class SilentProgress:
    """The reporter used by the UI and the daemon, where run logs already show progress."""

    def advance(self, label: str, rows: int) -> None:
        pass
