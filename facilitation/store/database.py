"""Opening the store: SQLite by default, PostgreSQL by URL, one transaction per write.

SQLite runs in WAL mode (readers never block the writer) with foreign keys and
``synchronous=FULL``: a committed write survives even a power cut.
``ROLEPLAY_SQLITE_SYNC=normal`` trades that last guarantee for latency (a commit then
survives any crash of the program, not of the machine). Writers from many processes
queue on an OS file lock before ``BEGIN IMMEDIATE``: the kernel hands the lock to the
next writer as soon as it is free, where SQLite's busy handler sleeps in steps that
grow to 100 ms; spinning or polling for the lock measured worse on 2 cores.
bench/store.py prints the figures.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from ..errors import StoreError
from .schema import MIGRATIONS, SCHEMA_VERSION, meta, metadata

try:  # POSIX; elsewhere SQLite's busy timeout alone serialises writers
    import fcntl
except ImportError:  # pragma: no cover
    fcntl = None  # type: ignore[assignment]

BUSY_TIMEOUT_MS = 30_000


def default_url() -> str:
    """$ROLEPLAY_DB, else a SQLite file in the user's data folder."""
    if os.environ.get("ROLEPLAY_DB"):
        return os.environ["ROLEPLAY_DB"]
    home = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return f"sqlite:///{home / 'roleplay-workbench' / 'workbench.db'}"


# The stores this workbench opens (a dialect and a synchronous driver it ships or documents).
_STORES = {("sqlite", ""), ("sqlite", "pysqlite"), ("postgresql", ""), ("postgresql", "psycopg"),
           ("postgresql", "psycopg2")}


class Database:
    """An engine pair (reads, writes) over one store, with schema creation and upgrades."""

    def __init__(self, url: str | None = None, *, file_lock: bool = True,
                 synchronous: str | None = None) -> None:
        self.url = url or default_url()
        self.synchronous = (synchronous or os.environ.get("ROLEPLAY_SQLITE_SYNC") or "full").lower()
        if self.synchronous not in ("full", "normal"):
            raise StoreError(f"ROLEPLAY_SQLITE_SYNC is {self.synchronous!r}; use full or normal")
        try:
            parsed = make_url(self.url)
        except Exception as exc:  # sqlalchemy raises ArgumentError with a terse text
            raise StoreError(f"not a database URL: {self.url!r}") from exc
        backend, _, driver = parsed.drivername.partition("+")  # naming a dialect loads nothing yet
        if (backend, driver) not in _STORES:
            raise StoreError(f"{parsed.render_as_string(hide_password=True)} is not a store this workbench "
                             "opens: use sqlite:///PATH or postgresql+psycopg://USER:PASSWORD@HOST/DATABASE")
        self.is_sqlite = backend == "sqlite"
        self._thread_lock = threading.Lock()
        self._lock_file: int | None = None
        if self.is_sqlite:
            path = parsed.database
            if not path or path == ":memory:":
                raise StoreError("use a SQLite file, not an in-memory database: views share it")
            Path(path).parent.mkdir(parents=True, exist_ok=True)
            self.reads = self._sqlite_engine(begin="BEGIN")
            self.writes = self._sqlite_engine(begin="BEGIN IMMEDIATE")
            if file_lock and fcntl is not None:
                self._lock_file = os.open(f"{path}.lock", os.O_RDWR | os.O_CREAT, 0o644)
        else:
            try:
                self.reads = self.writes = create_engine(self.url, pool_pre_ping=True)
            except ImportError as exc:  # postgresql:// means psycopg2, which is not installed
                raise StoreError(f"{self.display_url}: its driver is not installed ({exc.name}); "
                                 "write postgresql+psycopg://…") from None

    def _sqlite_engine(self, begin: str) -> Engine:
        engine = create_engine(self.url)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
            # secure_delete: a deleted row's bytes are zeroed, not left in free space (Debian's
            # SQLite does it by default, others do not): forgetting a person must reach the disk.
            for pragma in ("journal_mode=WAL", f"synchronous={self.synchronous}", "foreign_keys=ON",
                           f"busy_timeout={BUSY_TIMEOUT_MS}", "secure_delete=ON"):
                dbapi_connection.execute(f"PRAGMA {pragma}")

        @event.listens_for(engine, "begin")
        def _begin(connection: Connection) -> None:
            connection.connection.dbapi_connection.execute(begin)

        return engine

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One durable write transaction: committed on exit, rolled back on error."""
        # Check the connection out before queueing: the lock is held only for the transaction.
        with (self._thread_lock, self._translated(), self.writes.connect() as conn,
              self._file_lock(), conn.begin()):
            yield conn

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A consistent snapshot for reading."""
        with self._translated(), self.reads.begin() as conn:
            yield conn

    @contextmanager
    def _file_lock(self) -> Iterator[None]:
        if self._lock_file is None:
            yield
            return
        fcntl.flock(self._lock_file, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(self._lock_file, fcntl.LOCK_UN)

    @contextmanager
    def _translated(self) -> Iterator[None]:
        try:
            yield
        except SQLAlchemyError as exc:
            reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
            raise StoreError(f"store {self.display_url}: {reason}") from exc

    @property
    def display_url(self) -> str:
        return make_url(self.url).render_as_string(hide_password=True)

    def schema_version(self) -> int | None:
        with self.read() as conn:
            return _stored_version(conn)

    def init(self) -> int:
        """Create the schema, or upgrade an older one; return the version now in force."""
        with self.write() as conn:
            if not self.is_sqlite:  # many processes may open a fresh server at once
                conn.execute(text("SELECT pg_advisory_xact_lock(7462019)"))
            found = _stored_version(conn)
            if found is None:
                metadata.create_all(conn)
                conn.execute(insert(meta).values(key="schema_version", value=str(SCHEMA_VERSION)))
                return SCHEMA_VERSION
            if found > SCHEMA_VERSION:
                raise StoreError(
                    f"{self.display_url} was written by a newer workbench (schema {found}); "
                    f"this one reads up to {SCHEMA_VERSION}: upgrade roleplay-workbench")
            for version in range(found, SCHEMA_VERSION):
                MIGRATIONS[version](conn)
            if found < SCHEMA_VERSION:
                conn.execute(meta.update().where(meta.c.key == "schema_version")
                             .values(value=str(SCHEMA_VERSION)))
            return SCHEMA_VERSION

    def erase_deleted(self, tables: Iterable[str]) -> bool:
        """Make rows deleted from ``tables`` leave the files on disk, not only every query;
        False when another program's open read kept SQLite's old pages in the main file.

        SQLite: the zeroed pages sit in the write-ahead log until a checkpoint copies them into
        the main file; while another process holds the store open nobody checkpoints, so the old
        pages, every deleted line on them, stay. PostgreSQL: deleted rows stay in the table
        files as dead rows until VACUUM FULL rewrites them."""
        if self.is_sqlite:
            with self._thread_lock, self.writes.connect() as conn, self._file_lock():
                raw = conn.connection.dbapi_connection
                # TRUNCATE waits (busy_timeout) for readers, copies every page, empties the log
                busy, _, _ = raw.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
                return not busy
        with self._translated(), self.writes.connect() as conn:
            conn = conn.execution_options(isolation_level="AUTOCOMMIT")  # VACUUM is no transaction
            for table in tables:
                conn.exec_driver_sql(f'VACUUM (FULL) "{table}"')
        return True

    def close(self) -> None:
        self.reads.dispose()
        self.writes.dispose()
        if self._lock_file is not None:
            os.close(self._lock_file)
            self._lock_file = None


def _stored_version(conn: Connection) -> int | None:
    """The schema version stamped in the store, or None for an empty one."""
    if not conn.dialect.has_table(conn, "meta"):
        return None
    value = conn.execute(select(meta.c.value).where(meta.c.key == "schema_version")).scalar()
    return int(value) if value is not None else None


def upgraded(db: Database) -> Database:
    """``db`` at this version's schema: a store written by an older version (or an empty one)
    is set up first, so a reader never fails on a table or column an upgrade adds."""
    if db.schema_version() != SCHEMA_VERSION:
        db.init()
    return db
