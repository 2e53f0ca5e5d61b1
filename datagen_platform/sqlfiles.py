"""Finds and renders the SQL files under `sql/`: the one place SQL text is read from disk."""

from functools import cache
from pathlib import Path

import jinja2

_PACKAGED = Path(__file__).parent / "_sql"
SQL_DIR = _PACKAGED if _PACKAGED.is_dir() else Path(__file__).resolve().parents[1] / "sql"


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(SQL_DIR),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )


def render_sql(name: str, **context: object) -> str:
    """Render `sql/<name>` with Jinja; an undefined variable is an error, never an empty string.

    Only identifiers and fixed keywords chosen by the platform go through `context`: values are
    always bound as query parameters by the caller.
    """
    return _environment().get_template(name).render(**context)


def split_statements(sql: str) -> list[str]:
    """Split a rendered script on semicolons that end a line; comments-only chunks are dropped."""
    statements = []
    for chunk in sql.split(";\n"):
        lines = [line for line in chunk.splitlines() if not line.strip().startswith("--")]
        text = "\n".join(lines).strip().rstrip(";").strip()
        if text:
            statements.append(text)
    return statements
