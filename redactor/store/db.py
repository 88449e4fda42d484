"""Engine, sessions and migrations.

SQLite (the default) is opened in WAL mode with foreign keys on and `synchronous=FULL` (a 202
for an upload must survive a power cut). Python's sqlite3 driver starts transactions lazily at
the first write, so a session that reads, then writes can lose a race with another writer
("database is locked" without waiting). Writing sessions therefore start with
`BEGIN IMMEDIATE`, which takes the write lock up front and waits for it (busy timeout);
read-only sessions (`Database.read_session()`) use a plain deferred `BEGIN` and never block
writers. Other databases keep their driver's normal transactions.

Migrations run in one transaction; on PostgreSQL that transaction first takes an advisory lock,
so processes upgrading one database at once apply each migration once: the first migrates, the
others wait, then find the schema current. In cluster mode (`Settings.cluster_mode`) only
`redactor db upgrade` migrates; every other process checks the schema with `require_current()`
and refuses to start on one that is missing, older or newer than its code.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from redactor.errors import SchemaNotCurrentError
from redactor.private_files import create_private, private_dir, private_file

logger = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
SQLITE_BUSY_TIMEOUT_S = 30.0
_BEGIN_OPTION = "redactor_sqlite_begin"
AUDIT_KEY_INFO = "redactor_audit_key"  # session.info entry: the audit chain's HMAC key
# pg_advisory_xact_lock key held while migrating ("redactor" in ASCII, a constant no other lock uses).
MIGRATION_LOCK_ID = 0x7265646163746F72


@dataclass(frozen=True)
class SchemaUpgrade:
    """What `upgrade_database` did: the revision before (None: an empty database) and after."""

    before: str | None
    after: str

    @property
    def applied(self) -> bool:
        return self.before != self.after


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

    def upgrade(self) -> SchemaUpgrade:
        """Apply every Alembic migration shipped in the package (`upgrade head`)."""
        return upgrade_database(self.engine)

    def require_current(self) -> None:
        """Refuse (SchemaNotCurrentError) unless the schema is exactly the code's newest revision."""
        require_current_schema(self.engine)

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


def upgrade_database(engine: Engine, revision: str = "head") -> SchemaUpgrade:
    """Run `alembic upgrade <revision>` on `engine` in one transaction, one process at a time.

    On PostgreSQL the transaction starts with an advisory lock (released at its end), so a second
    process waits for the first and then finds nothing left to do; SQLite's `BEGIN IMMEDIATE`
    serializes writers already.
    """
    config = alembic_config()
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": MIGRATION_LOCK_ID})
        before = schema_revision(connection)
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
        after = schema_revision(connection)
    return SchemaUpgrade(before=before, after=after)


def schema_revision(connection: Connection) -> str | None:
    """The database's Alembic revision; None for a database never migrated."""
    return MigrationContext.configure(connection).get_current_revision()


def require_current_schema(engine: Engine) -> None:
    """Refuse to run on a schema that is missing, older or newer than this code's (see the module
    docstring); the message names the database (never its password) and the fix."""
    with engine.connect() as connection:
        current = schema_revision(connection)
    scripts = ScriptDirectory.from_config(alembic_config())
    head = scripts.get_current_head()
    if current == head:
        return
    where = engine.url.render_as_string(hide_password=True)
    if current is None:
        problem = "has no schema yet"
        fix = "run `redactor db upgrade` once (from one node) before starting the service"
    elif current in {script.revision for script in scripts.walk_revisions()}:
        problem = f"is at schema revision {current}, older than this release's {head}"
        fix = "stop the service everywhere, run `redactor db upgrade` once, then start the new release"
    else:
        problem = f"is at schema revision {current}, which this release does not know (a newer release migrated it)"
        fix = f"run the release that migrated it, or a newer one (this one stops at {head})"
    raise SchemaNotCurrentError(f"the database {where} {problem}; {fix}")
