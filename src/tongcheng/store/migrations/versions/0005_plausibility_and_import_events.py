"""Plausibility rules in the catalogue; who imported, reverted imports and their events.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04

- ``indicators`` gains ``direction`` (+1: more is better for integration, -1: less is,
  NULL: neutral), ``min_value`` / ``max_value`` (the allowed range, NULL = open) and
  ``max_jump`` (the largest plausible factor between a unit's value and its previous
  period or vintage, NULL = the project's default).
- ``imports`` gains ``imported_by`` and ``reverted_at`` / ``reverted_by``: a reverted
  import keeps its record (and its raw file) but no observations.
- ``import_events`` is the append-only history of imports: imported, reverted, re-applied.

Only columns without foreign keys are added to existing tables, so SQLite adds them in
place (no table rebuild, which would fire ON DELETE CASCADE; see revision 0004).
Self-contained on purpose: migrations never import the models.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_INDICATOR_COLUMNS = ("direction", "min_value", "max_value", "max_jump")
_IMPORT_COLUMNS = ("imported_by", "reverted_at", "reverted_by")


def upgrade() -> None:
    """Add the columns and ``import_events``."""
    op.add_column("indicators", sa.Column("direction", sa.Integer(), nullable=True))
    op.add_column("indicators", sa.Column("min_value", sa.Double(), nullable=True))
    op.add_column("indicators", sa.Column("max_value", sa.Double(), nullable=True))
    op.add_column("indicators", sa.Column("max_jump", sa.Double(), nullable=True))
    op.add_column("imports", sa.Column("imported_by", sa.Text(), nullable=True))
    op.add_column("imports", sa.Column("reverted_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("imports", sa.Column("reverted_by", sa.Text(), nullable=True))
    op.create_table(
        "import_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("actor", sa.Text(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("n_observations", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["import_id"], ["imports.id"],
                                name=op.f("fk_import_events_import_id_imports")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_events")),
        sa.CheckConstraint("action IN ('imported', 'reverted', 'reapplied')",
                           name=op.f("ck_import_events_action")),
    )
    op.create_index(op.f("ix_import_events_import_id"), "import_events", ["import_id"])


def downgrade() -> None:
    """Drop ``import_events`` and the added columns (reverted imports stay recorded)."""
    op.drop_index(op.f("ix_import_events_import_id"), table_name="import_events")
    op.drop_table("import_events")
    for name in reversed(_IMPORT_COLUMNS):
        op.drop_column("imports", name)
    for name in reversed(_INDICATOR_COLUMNS):
        op.drop_column("indicators", name)
