"""Alembic environment, embedded: the connection comes from ``config.attributes``.

No ``logging.fileConfig`` here: the application owns its logging.
"""

from alembic import context

from aapdesk.storage.schema import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - aapdesk always passes its connection
    raise RuntimeError("aapdesk migrations run through aapdesk.storage.migrate only")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
