"""Index runs: the recipe and framework of every composite-index build.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24

Self-contained on purpose: migrations never import the models, which keep changing.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create ``index_runs``."""
    op.create_table(
        "index_runs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("indicator", sa.String(length=64), nullable=False),
        sa.Column("recipe_yaml", sa.Text(), nullable=False),
        sa.Column("framework_csv", sa.Text(), nullable=False),
        sa.Column("data_sha256", sa.String(length=64), nullable=False),
        sa.Column("n_units", sa.Integer(), nullable=False),
        sa.Column("version", sa.String(length=32), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_index_runs")),
    )


def downgrade() -> None:
    """Drop ``index_runs``."""
    op.drop_table("index_runs")
