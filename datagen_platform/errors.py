"""The errors the platform raises on purpose, each with a message meant for the user."""


class DatagenError(Exception):
    """Base of every error the platform raises deliberately."""


class ConfigError(DatagenError):
    """A setting is missing, malformed or out of range."""


class DatabaseUnreachableError(DatagenError):
    """The operational database cannot be reached."""


class LocalInfileDisabledError(DatagenError):
    """The MariaDB server refuses LOAD DATA LOCAL INFILE."""


class SchemaMismatchError(DatagenError):
    """A table exists with a shape other than the one the platform expects."""


class DataIntegrityError(DatagenError):
    """Data in a store contradicts what the platform generated or expects."""


class TransientDatabaseError(DatabaseUnreachableError):
    """The database refused one attempt for a passing reason (a lost connection, a lock wait
    timeout, a deadlock, a file held by another process): the same work may succeed if retried."""


class PartitionRangeError(DatagenError):
    """A requested range of days lies outside the daily partitions that exist."""
