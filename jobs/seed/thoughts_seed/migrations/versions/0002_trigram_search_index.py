"""Index lower(text) with trigrams, so PostgreSQL answers ?search= without a full scan.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28

Search is a case-insensitive substring match, ``lower(text) LIKE '%term%'``,
which a B-tree cannot serve. pg_trgm's GIN operator class can. SQLite has no
such index and keeps scanning, which is fine at its scale.
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # Trusted since PostgreSQL 13: the database owner may create it. The compose
    # database creates it at init, so this is then a no-op.
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    # Name the operator class by the extension's schema, whatever the search_path.
    extension_schema = op.get_bind().scalar(
        sa.text("SELECT extnamespace::regnamespace::text FROM pg_extension WHERE extname = 'pg_trgm'")
    )
    op.execute(
        "CREATE INDEX ix_thought_model_text_trgm ON thought_model"
        f" USING gin (lower(text) {extension_schema}.gin_trgm_ops)"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX ix_thought_model_text_trgm")
