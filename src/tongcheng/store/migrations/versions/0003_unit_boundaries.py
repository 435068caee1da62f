"""Unit boundaries: the (multi)polygon of each imported unit, as WGS-84 well-known binary.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24

Self-contained on purpose: migrations never import the models, which keep changing. A new
table rather than a column of ``units``: SQLite cannot add a foreign-keyed column in place,
and reading units stays as light as before.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create ``unit_boundaries``."""
    op.create_table(
        "unit_boundaries",
        sa.Column("code", sa.String(length=6), nullable=False),
        sa.Column("wkb", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["code"], ["units.code"], ondelete="CASCADE",
                                name=op.f("fk_unit_boundaries_code_units")),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_unit_boundaries")),
    )


def downgrade() -> None:
    """Drop ``unit_boundaries`` (the units themselves are kept)."""
    op.drop_table("unit_boundaries")
