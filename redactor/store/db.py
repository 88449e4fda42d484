"""Engine, sessions and migrations.

SQLite (the default) is opened in WAL mode with foreign keys on and `synchronous=FULL` (a 202
for an upload must survive a power cut). Python's sqlite3 driver starts transactions lazily at
the first write, so a session that reads, then writes can lose a race with another writer
("database is locked" without waiting). Writing sessions therefore start with
`BEGIN IMMEDIATE`, which takes the write lock up front and waits for it (busy timeout);
read-only sessions (`Database.read_session()`) use a plain deferred `BEGIN` and never block
writers. Other databases keep their driver's normal transactions.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from redactor.private_files import create_private, private_dir, private_file

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_S = 30.0
_BEGIN_OPTION = "redactor_sqlite_begin"
AUDIT_KEY_INFO = "redactor_audit_key"  # session.info entry: the audit chain's HMAC key


@dataclass
class Database:
    """An engine plus its session factories; one per process."""

    engine: Engine
    sessions: sessionmaker[Session]
    read_sessions: sessionmaker[Session]

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A writing session; the caller commits. Rolled back on error, closed at the end."""
        with self.sessions() as session:
            yield session

    @contextmanager
    def read_session(self) -> Iterator[Session]:
        """A session for reads only: it never takes the write lock."""
        with self.read_sessions() as session:
            yield session

    def upgrade(self) -> None:
        """Apply every Alembic migration shipped in the package (`upgrade head`)."""
        upgrade_database(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()


def open_database(url: str, *, audit_key: bytes | None = None) -> Database:
    """Open (without migrating) the database at the SQLAlchemy `url`.

    `audit_key` (from redactor.key_material, never stored in the database) keys the audit
    chain: every session carries it in `session.info` for `redactor.audit`.
    """
    if url.startswith("sqlite"):
        engine = create_engine(
            url,
            connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S, "check_same_thread": False},
        )
        _configure_sqlite(engine)
    else:
        engine = create_engine(url, pool_pre_ping=True)
    read_engine = engine.execution_options(**{_BEGIN_OPTION: "DEFERRED"})
    info = {AUDIT_KEY_INFO: audit_key}
    return Database(
        engine=engine,
        sessions=sessionmaker(engine, expire_on_commit=False, info=info),
        read_sessions=sessionmaker(read_engine, expire_on_commit=False, info=info),
    )


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        # Let SQLAlchemy's "begin" event below decide how transactions start.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        mode = connection.get_execution_options().get(_BEGIN_OPTION, "IMMEDIATE")
        connection.exec_driver_sql(f"BEGIN {mode}")


def prepare_sqlite_file(url: str) -> None:
    """Make the database file of a SQLite URL private before SQLite opens it.

    SQLite creates a missing file with the umask's mode (often 0644) and gives its WAL and
    shared-memory files the database file's mode, so the file is created 0600 here first (an
    empty file is an empty database) and an existing one, with its WAL, tightened to 0600; the
    folder is created 0700 (or tightened).
    """
    prefix = "sqlite:///"
    if not url.startswith(prefix) or ":memory:" in url:
        return
    path = Path(url[len(prefix):])
    private_dir(path.parent, what="database folder")
    create_private(path)
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        private_file(file, what="database file")


def alembic_config() -> Config:
    """An Alembic config pointing at the migrations shipped inside the package."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def upgrade_database(engine: Engine, revision: str = "head") -> None:
    """Run `alembic upgrade <revision>` on `engine` in one transaction."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
