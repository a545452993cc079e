"""Create thought_model.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "thought_model",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("username", sa.String(50), nullable=False),
        sa.Column("text", sa.String(250), nullable=False),
        sa.Column("timestamp", sa.DateTime(), nullable=False),
    )
    # "My thoughts" filters on username.
    op.create_index("ix_thought_model_username", "thought_model", ["username"])


def downgrade() -> None:
    op.drop_index("ix_thought_model_username", table_name="thought_model")
    op.drop_table("thought_model")
