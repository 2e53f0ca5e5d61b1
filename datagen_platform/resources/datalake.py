"""The Parquet datalake: silver partitions, gold KPI results and reports under one root.

The root is a local folder or a filesystem URI understood by `pyarrow.fs` (`s3://bucket/lake`,
`gs://...`, `file:///...`), so moving the lake to an object store needs no code change.
"""

import contextlib
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import dagster as dg
import pyarrow as pa
import pyarrow.fs as pafs
import pyarrow.parquet as pq

from datagen_platform.errors import DataIntegrityError

DATABASE = "sucos_vendas"
PART_FILE = "part-0.parquet"
PARTITION_PREFIX = "date="

# Fixed writer options: the same table always gives the same bytes. pyarrow writes no timestamp
# into Parquet metadata, so only the library version (in `created_by`) could change them.
_WRITE_OPTIONS = {
    "compression": "zstd",
    "compression_level": 3,
    "use_dictionary": True,
    "write_statistics": True,
    "version": "2.6",
    "data_page_version": "1.0",
    "row_group_size": 1_000_000,
}


@dataclass(frozen=True)
class WrittenFile:
    """A file the lake wrote: where it is (a local path or URI), its rows and its size."""

    uri: str
    rows: int
    bytes: int


def _write_parquet(table: pa.Table, sink: pa.NativeFile) -> None:
    pq.write_table(table, sink, **_WRITE_OPTIONS)


class DatalakeResource(dg.ConfigurableResource):
    """Reads and writes the lake's Parquet files, each write atomic.

    Args:
        root: a local folder (relative or absolute) or a `pyarrow.fs` URI such as
            `s3://bucket/datalake`.
    """

    root: str

    def filesystem(self) -> tuple[pafs.FileSystem, str]:
        """The filesystem of the root and the root's path inside it."""
        if "://" in self.root:
            return pafs.FileSystem.from_uri(self.root)
        return pafs.LocalFileSystem(), Path(self.root).resolve().as_posix()

    def uri(self, relative: str) -> str:
        """A location under the root, as a local path or a URI that DuckDB and pandas accept."""
        if "://" in self.root:
            return f"{self.root.rstrip('/')}/{relative}"
        return f"{Path(self.root).resolve().as_posix()}/{relative}"

    # -- layout ------------------------------------------------------------------------------

    @staticmethod
    def silver_dir(table: str) -> str:
        """The folder of a silver table, relative to the root."""
        return f"silver/{DATABASE}/{table}"

    def silver_file(self, table: str, day: date | None = None) -> str:
        """The relative path of a fact partition (`day` given) or of a dimension snapshot."""
        if day is None:
            return f"{self.silver_dir(table)}/{PART_FILE}"
        return f"{self.silver_dir(table)}/{PARTITION_PREFIX}{day.isoformat()}/{PART_FILE}"

    def silver_glob(self, table: str, partitioned: bool) -> str:
        """A glob over every file of a silver table, for `read_parquet(..., hive_partitioning)`."""
        if partitioned:
            return self.uri(f"{self.silver_dir(table)}/*/*.parquet")
        return self.uri(self.silver_file(table))

    # -- writing -----------------------------------------------------------------------------

    def write_table(self, relative: str, table: pa.Table) -> WrittenFile:
        """Write `table` as Parquet at `relative`, atomically (see `write_atomic`)."""
        uri = self.write_atomic(relative, lambda sink: _write_parquet(table, sink))
        fs, base = self.filesystem()
        size = fs.get_file_info(f"{base}/{relative}").size
        return WrittenFile(uri=uri, rows=table.num_rows, bytes=size)

    def write_silver(
        self, table_name: str, table: pa.Table, day: date | None = None
    ) -> WrittenFile:
        """Write one silver partition (`day` given) or a dimension snapshot."""
        return self.write_table(self.silver_file(table_name, day), table)

    def write_bytes(self, relative: str, data: bytes) -> str:
        """Write a non-Parquet file (a report) atomically and return its location."""
        return self.write_atomic(relative, lambda sink: sink.write(data))

    def write_atomic(self, relative: str, write: Callable[[pa.NativeFile], object]) -> str:
        """Let `write` fill a file at `relative` and return its location.

        The bytes go to a temporary name in the same folder which is then renamed over the
        target: a reader sees the old file or the new one, and a failed write leaves the old one.
        """
        fs, base = self.filesystem()
        folder, _, name = f"{base}/{relative}".rpartition("/")
        fs.create_dir(folder, recursive=True)
        # The temporary name must not end in .parquet, or the silver globs would pick it up.
        temporary = f"{folder}/.{name}.{uuid.uuid4().hex}.tmp"
        try:
            with fs.open_output_stream(temporary) as sink:
                write(sink)
            fs.move(temporary, f"{folder}/{name}")
        except BaseException:
            with contextlib.suppress(OSError):
                fs.delete_file(temporary)
            raise
        return self.uri(relative)

    # -- listing and reading -----------------------------------------------------------------

    def list_partitions(self, table: str) -> list[date]:
        """The days that have a complete partition file of a silver fact table, in order."""
        fs, base = self.filesystem()
        selector = pafs.FileSelector(f"{base}/{self.silver_dir(table)}", allow_not_found=True)
        days = []
        for info in fs.get_file_info(selector):
            name = info.base_name
            if info.type != pafs.FileType.Directory or not name.startswith(PARTITION_PREFIX):
                continue
            part = fs.get_file_info(f"{info.path}/{PART_FILE}")
            if part.type == pafs.FileType.File:
                days.append(_partition_day(name, info.path))
        return sorted(days)

    def read_table(self, relative: str, schema: pa.Schema | None = None) -> pa.Table:
        """Read a Parquet file under the root; a corrupt or foreign file is an error naming it.

        With `schema`, a file whose columns or types differ from it is refused too.
        """
        if schema is not None:
            self.check_schema(relative, [schema])
        fs, base = self.filesystem()
        with self._reading(relative):
            return pq.read_table(f"{base}/{relative}", filesystem=fs)

    def read_silver(
        self, table_name: str, day: date | None = None, schema: pa.Schema | None = None
    ) -> pa.Table:
        """Read one silver partition (`day` given) or a dimension snapshot."""
        return self.read_table(self.silver_file(table_name, day), schema)

    @contextlib.contextmanager
    def _reading(self, relative: str) -> Iterator[None]:
        """Turn a missing or unreadable file into an error that names its path."""
        try:
            yield
        except FileNotFoundError:
            raise DataIntegrityError(f"{self.uri(relative)} does not exist") from None
        except (pa.ArrowInvalid, OSError) as error:
            raise DataIntegrityError(
                f"{self.uri(relative)} is not a readable Parquet file: {error}"
            ) from None

    def check_schema(self, relative: str, accepted: list[pa.Schema]) -> pa.Schema:
        """Read only the footer of a file and refuse it unless its schema is one of `accepted`."""
        fs, base = self.filesystem()
        with self._reading(relative), fs.open_input_file(f"{base}/{relative}") as source:
            found = pq.read_schema(source)
        found = found.remove_metadata()
        if not any(found.equals(schema, check_metadata=False) for schema in accepted):
            raise DataIntegrityError(
                f"{self.uri(relative)} has an unexpected schema: found "
                f"{_describe(found)}; expected {_describe(accepted[0])}"
            )
        return found


def _partition_day(name: str, path: str) -> date:
    try:
        return date.fromisoformat(name.removeprefix(PARTITION_PREFIX))
    except ValueError:
        raise DataIntegrityError(
            f"{path} is not a partition folder named date=YYYY-MM-DD"
        ) from None


def _describe(schema: pa.Schema) -> str:
    return ", ".join(f"{field.name} {field.type}" for field in schema)
