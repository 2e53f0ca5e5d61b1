"""KPI templates: Jinja SQL files that DuckDB runs over the silver Parquet lake.

A template is one SELECT. Its header states what it produces and its parameters:

    -- description: Revenue per month, one row per month.
    -- parameter: top_n = 10

In the body, `{{ silver('notas_fiscais') }}` stands for a silver table and `{{ param('top_n') }}`
for a parameter. Both render as DuckDB named parameters (`$silver_notas_fiscais`, `$top_n`), so
no value and no path is ever pasted into the SQL text; the only names a template can reach are the
known silver tables. Loading a template renders it once to record which tables it reads: that is
its lineage.
"""

import json
import re
import traceback
import warnings
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import jinja2
import pyarrow as pa

from datagen_platform import schema
from datagen_platform.errors import ConfigError
from datagen_platform.sqlfiles import SQL_DIR

KPI_DIR = SQL_DIR / "kpis"
PARTITIONED = {table.name for table in schema.FACTS}
SILVER_TABLES = tuple(schema.TABLES)

_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_HEADER = re.compile(r"^--\s*(description|parameter):\s*(.*?)\s*$")
_PARAMETER = re.compile(r"^([a-z][a-z0-9_]*)\s*=\s*(.+)$")
_DUCKDB_LINE = re.compile(r"LINE (\d+):")


@dataclass(frozen=True)
class RenderedKpi:
    """The SQL of a template ready for DuckDB and the values bound to its named parameters."""

    sql: str
    parameters: dict[str, object]


@dataclass(frozen=True)
class KpiTemplate:
    """One KPI template file.

    Attributes:
        name: the file name without `.sql`; the asset `kpi/<name>` and table `kpi.<name>`.
        path: the template file.
        description: from the `-- description:` header line.
        inputs: the silver tables the template reads, sorted.
        defaults: the declared parameters and their default values.
    """

    name: str
    path: Path
    description: str
    inputs: tuple[str, ...]
    defaults: dict[str, object] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"KPI template {self.path.name}"

    def render(
        self, locate: Callable[[str], str], overrides: Mapping[str, object] | None = None
    ) -> RenderedKpi:
        """Render the SQL; `locate(table)` gives the Parquet glob of a silver table.

        `overrides` replace declared defaults; a name the template does not declare is an error.
        """
        overrides = dict(overrides or {})
        unknown = sorted(set(overrides) - set(self.defaults))
        if unknown:
            raise ConfigError(
                f"{self.label} has no parameter {', '.join(unknown)}; "
                f"it declares: {', '.join(sorted(self.defaults)) or 'none'}"
            )
        values = {**self.defaults, **overrides}
        bound: dict[str, object] = {}

        def silver(table: str) -> str:
            _check_table(table)
            bound[f"silver_{table}"] = locate(table)
            hive = ", hive_partitioning = true" if table in PARTITIONED else ""
            return f"read_parquet($silver_{table}{hive})"

        def param(name: str) -> str:
            if name not in values:
                raise ConfigError(_undeclared(name))
            bound[name] = values[name]
            return f"${name}"

        sql = _render(self.path, self.label, silver=silver, param=param)
        return RenderedKpi(sql=sql, parameters=bound)

    def run(self, con: duckdb.DuckDBPyConnection, rendered: RenderedKpi) -> pa.Table:
        """Run a rendered template; a failure names the template and, when DuckDB tells, the
        line."""
        try:
            # `execute` keeps DuckDB's "LINE n" in error messages, which `con.sql` drops; the
            # extra copy it warns about is of a small aggregate.
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", "Arrow output on a DB-API result")
                return con.execute(rendered.sql, rendered.parameters).to_arrow_table()
        except duckdb.Error as error:
            raise ConfigError(self._runtime_message(str(error), rendered.sql)) from None

    def _runtime_message(self, message: str, sql: str) -> str:
        found = _DUCKDB_LINE.search(message)
        summary = message.split("\n", 1)[0]
        if found is None:
            return f"{self.label} failed in DuckDB: {message}"
        line = int(found.group(1))
        # Line numbers carry over only when rendering kept the template's lines (no multi-line
        # Jinja comments or whitespace control).
        template_lines = len(self.path.read_text(encoding="utf-8").splitlines())
        where = "line" if template_lines == len(sql.splitlines()) else "rendered SQL line"
        return f"{self.label}, {where} {line}: {summary}\n{message}"


def load_template(path: Path) -> KpiTemplate:
    """Read a template, check its header and record the silver tables it reads."""
    name = path.stem
    label = f"KPI template {path.name}"
    if not _NAME.match(name):
        raise ConfigError(f"{label}: the file name must be lower-case letters, digits and '_'")
    description, defaults = _header(path, label)
    inputs: set[str] = set()

    def silver(table: str) -> str:
        _check_table(table)
        inputs.add(table)
        return f"read_parquet($silver_{table})"

    def param(parameter: str) -> str:
        if parameter not in defaults:
            raise ConfigError(_undeclared(parameter))
        return f"${parameter}"

    _render(path, label, silver=silver, param=param)
    if not inputs:
        raise ConfigError(f"{label} reads no silver table; use {{{{ silver('<table>') }}}}")
    return KpiTemplate(name, path, description, tuple(sorted(inputs)), defaults)


def load_templates(templates_dir: Path = KPI_DIR) -> list[KpiTemplate]:
    """Every `*.sql` template directly inside `templates_dir`, by name."""
    return [load_template(path) for path in sorted(Path(templates_dir).glob("*.sql"))]


def _header(path: Path, label: str) -> tuple[str, dict[str, object]]:
    description, defaults = "", {}
    for number, line in enumerate(_leading_comments(path), start=1):
        found = _HEADER.match(line)
        if found is None:
            continue
        kind, text = found.groups()
        if kind == "description":
            description = text
            continue
        declared = _PARAMETER.match(text)
        if declared is None:
            raise ConfigError(f"{label}, line {number}: expected '-- parameter: name = value'")
        defaults[declared.group(1)] = _literal(declared.group(2), label, number)
    if not description:
        raise ConfigError(f"{label} has no '-- description: ...' line at its top")
    return description, defaults


def _leading_comments(path: Path) -> Iterator[str]:
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("--"):
            return
        yield line


def _literal(text: str, label: str, line: int) -> object:
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        value = None
    if not isinstance(value, int | float | str) or isinstance(value, bool):
        raise ConfigError(
            f"{label}, line {line}: a parameter value is a number or a double-quoted string, "
            f"not {text!r}"
        )
    return value


def _check_table(table: str) -> None:
    if table not in SILVER_TABLES:
        raise ConfigError(
            f"unknown silver table {table!r}; known tables: {', '.join(SILVER_TABLES)}"
        )


def _undeclared(name: str) -> str:
    return f"unknown parameter {name!r}; declare it with '-- parameter: {name} = <value>'"


def _render(path: Path, label: str, **functions: Callable[[str], str]) -> str:
    environment = jinja2.Environment(
        loader=jinja2.FileSystemLoader(path.parent),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
    )
    try:
        return environment.get_template(path.name).render(**functions)
    except jinja2.TemplateSyntaxError as error:
        raise ConfigError(f"{label}, line {error.lineno}: {error.message}") from None
    except (ConfigError, jinja2.TemplateError, TypeError) as error:
        line = _template_line(error, path)
        where = f", line {line}" if line else ""
        raise ConfigError(f"{label}{where}: {error}") from None


def _template_line(error: BaseException, path: Path) -> int | None:
    # Jinja rewrites tracebacks so that frames of the template carry its file name and line.
    frames = [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        if Path(frame.filename).name == path.name and frame.filename.endswith(".sql")
    ]
    return frames[-1].lineno if frames else None
