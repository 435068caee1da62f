"""Long unit codes: every unit-code column widened from 6 to 12 characters.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24

Township codes (9 digits), Brazil's IBGE municipality codes (7) and Germany's AGS (8) do not
fit GB/T 2260's six. Self-contained on purpose: migrations never import the models.

PostgreSQL changes the columns in place (``ALTER COLUMN ... TYPE``; VARCHAR to a longer
VARCHAR rewrites nothing, and the foreign keys stay valid). SQLite does not enforce VARCHAR
lengths at all, so no data needs to move; only the declared types are rewritten in the schema
text, as SQLite documents for changes that leave the stored content alone (same TEXT affinity).
Rebuilding the tables (Alembic's batch mode) would drop ``units`` while foreign keys are enforced
(they cannot be switched off inside the migration's transaction); SQLite's implicit DELETE on
DROP TABLE would then fire ON DELETE CASCADE on the boundaries.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: Every column holding a unit code, primary and foreign keys alike.
UNIT_CODE_COLUMNS: dict[str, tuple[str, ...]] = {
    "units": ("code", "parent_code", "province_code"),
    "unit_boundaries": ("code",),
    "metro_areas": ("core_code",),
    "metro_members": ("member_code",),
    "observations": ("unit_code", "partner_code"),
}


def _sqlite_retype(old: int, new: int) -> None:
    """Rewrite ``VARCHAR(old)`` of the unit-code columns as ``VARCHAR(new)`` in SQLite's schema."""
    conn = op.get_bind()
    version = conn.exec_driver_sql("PRAGMA schema_version").scalar_one()
    conn.exec_driver_sql("PRAGMA writable_schema = ON")
    try:
        for table, columns in UNIT_CODE_COLUMNS.items():
            sql = conn.execute(sa.text("SELECT sql FROM sqlite_master WHERE type = 'table' "
                                       "AND name = :name"), {"name": table}).scalar_one()
            for column in columns:
                pattern = rf"(\b{column}\b\s+)VARCHAR\({old}\)"
                sql, n = re.subn(pattern, rf"\g<1>VARCHAR({new})", sql)
                if n != 1:
                    msg = f"column {table}.{column} is not VARCHAR({old}) in this database"
                    raise RuntimeError(msg)
            conn.execute(sa.text("UPDATE sqlite_master SET sql = :sql WHERE type = 'table' "
                                 "AND name = :name"), {"sql": sql, "name": table})
        conn.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    finally:
        conn.exec_driver_sql("PRAGMA writable_schema = OFF")


def _retype(old: int, new: int) -> None:
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_retype(old, new)
        return
    for table, columns in UNIT_CODE_COLUMNS.items():
        for column in columns:
            op.alter_column(table, column, type_=sa.String(length=new),
                            existing_type=sa.String(length=old))


def upgrade() -> None:
    """Widen every unit-code column to VARCHAR(12)."""
    _retype(6, 12)


def downgrade() -> None:
    """Narrow the unit-code columns back to VARCHAR(6); refused while longer codes are stored."""
    conn = op.get_bind()
    longest = conn.execute(sa.text("SELECT MAX(LENGTH(code)) FROM units")).scalar()
    if longest is not None and longest > 6:  # GB/T 2260's six digits
        msg = (f"units with codes longer than 6 digits are stored (up to {longest}); revision "
               "0003 cannot hold them. Delete those units first, or stay at revision 0004.")
        raise RuntimeError(msg)
    _retype(12, 6)
