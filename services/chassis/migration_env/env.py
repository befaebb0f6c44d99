"""Alembic environment shared by every service; see services/chassis/migrate.py."""

from alembic import context
from sqlalchemy import engine_from_config, pool

config = context.config
target_metadata = config.attributes["target_metadata"]


def migrate(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is not None:
    migrate(connection)
else:
    engine = engine_from_config(
        config.get_section(config.config_ini_section, {}), prefix="sqlalchemy.", poolclass=pool.NullPool
    )
    with engine.connect() as conn:
        migrate(conn)
