"""Alembic environment: migrations run on the connection redactor hands over.

`redactor.store.db.upgrade_database` puts an open connection in `config.attributes`; there is
no alembic.ini and no URL here, so the same code serves SQLite and any other database.
"""

from alembic import context

from redactor.store.models import Base
from redactor.store.search import is_search_object

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through redactor.store.db.upgrade_database(engine)")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite cannot ALTER most things; batch mode copies the table
    include_name=lambda name, type_, parent: not is_search_object(name, type_),
)
with context.begin_transaction():
    context.run_migrations()
