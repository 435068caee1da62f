"""Initial schema: units, metro areas, indicators, imports and observations.

Revision ID: 0001
Revises:
Create Date: 2026-11-24

Self-contained on purpose: migrations never import the models, which keep changing.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Create the tables of the system of record."""
    op.create_table(
        "units",
        sa.Column("code", sa.String(length=6), nullable=False),
        sa.Column("name_zh", sa.String(length=100), nullable=False),
        sa.Column("short_zh", sa.String(length=50), nullable=True),
        sa.Column("name_en", sa.String(length=200), nullable=True),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("kind_zh", sa.String(length=50), nullable=True),
        sa.Column("parent_code", sa.String(length=6), nullable=True),
        sa.Column("province_code", sa.String(length=6), nullable=True),
        sa.Column("lon", sa.Double(), nullable=True),
        sa.Column("lat", sa.Double(), nullable=True),
        sa.Column("area_km2", sa.Double(), nullable=True),
        sa.CheckConstraint("level IN ('province', 'city', 'county')", name=op.f("ck_units_level")),
        sa.ForeignKeyConstraint(
            ["parent_code"], ["units.code"], name=op.f("fk_units_parent_code_units")
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_units")),
    )
    op.create_index(op.f("ix_units_parent_code"), "units", ["parent_code"])

    op.create_table(
        "metro_areas",
        sa.Column("metro_code", sa.String(length=32), nullable=False),
        sa.Column("version", sa.String(length=32), nullable=True),
        sa.Column("name_zh", sa.String(length=100), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=True),
        sa.Column("core_code", sa.String(length=6), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("source_doc", sa.Text(), nullable=True),
        sa.Column("issued", sa.String(length=32), nullable=True),
        sa.Column("source_url", sa.Text(), nullable=True),
        sa.CheckConstraint("status IN ('adopted', 'draft')", name=op.f("ck_metro_areas_status")),
        sa.ForeignKeyConstraint(
            ["core_code"], ["units.code"], name=op.f("fk_metro_areas_core_code_units")
        ),
        sa.PrimaryKeyConstraint("metro_code", name=op.f("pk_metro_areas")),
    )

    op.create_table(
        "metro_members",
        sa.Column("metro_code", sa.String(length=32), nullable=False),
        sa.Column("member_code", sa.String(length=6), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_code"], ["units.code"], name=op.f("fk_metro_members_member_code_units")
        ),
        sa.ForeignKeyConstraint(
            ["metro_code"],
            ["metro_areas.metro_code"],
            name=op.f("fk_metro_members_metro_code_metro_areas"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("metro_code", "member_code", name=op.f("pk_metro_members")),
    )
    op.create_index(op.f("ix_metro_members_member_code"), "metro_members", ["member_code"])

    op.create_table(
        "indicators",
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name_zh", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=300), nullable=True),
        sa.Column("unit", sa.String(length=64), nullable=True),
        sa.Column("subject_kind", sa.String(length=8), nullable=False),
        sa.Column("description_zh", sa.Text(), nullable=True),
        sa.Column("description_en", sa.Text(), nullable=True),
        sa.Column("source", sa.Text(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.CheckConstraint("kind IN ('raw', 'computed')", name=op.f("ck_indicators_kind")),
        sa.CheckConstraint(
            "subject_kind IN ('unit', 'pair', 'metro')", name=op.f("ck_indicators_subject_kind")
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_indicators")),
    )

    op.create_table(
        "imports",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("file_name", sa.Text(), nullable=False),
        sa.Column("stored_path", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("vintage", sa.String(length=120), nullable=False),
        sa.Column("sheet", sa.String(length=100), nullable=True),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("n_rows_read", sa.Integer(), nullable=False),
        sa.Column("n_observations", sa.Integer(), nullable=False),
        sa.Column("n_warnings", sa.Integer(), nullable=False),
        sa.Column("warnings_json", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_imports")),
        sa.UniqueConstraint("sha256", name=op.f("uq_imports_sha256")),
    )

    op.create_table(
        "observations",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("indicator", sa.String(length=64), nullable=False),
        sa.Column("subject_kind", sa.String(length=8), nullable=False),
        sa.Column("subject_key", sa.String(length=64), nullable=False),
        sa.Column("unit_code", sa.String(length=6), nullable=True),
        sa.Column("partner_code", sa.String(length=6), nullable=True),
        sa.Column("metro_code", sa.String(length=32), nullable=True),
        sa.Column("period", sa.String(length=16), nullable=False),
        sa.Column("value", sa.Double(), nullable=True),
        sa.Column("unit", sa.String(length=64), nullable=False),
        sa.Column("value_kind", sa.String(length=16), nullable=False),
        sa.Column("vintage", sa.String(length=120), server_default=sa.text("''"), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("import_id", sa.Integer(), nullable=True),
        sa.Column("flags", sa.Text(), server_default=sa.text("''"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "subject_kind IN ('unit', 'pair', 'metro')", name=op.f("ck_observations_subject_kind")
        ),
        sa.CheckConstraint(
            "value_kind IN ('reported', 'computed', 'estimated', 'sample')",
            name=op.f("ck_observations_value_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["import_id"],
            ["imports.id"],
            name=op.f("fk_observations_import_id_imports"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["indicator"], ["indicators.code"], name=op.f("fk_observations_indicator_indicators")
        ),
        sa.ForeignKeyConstraint(
            ["metro_code"],
            ["metro_areas.metro_code"],
            name=op.f("fk_observations_metro_code_metro_areas"),
        ),
        sa.ForeignKeyConstraint(
            ["partner_code"], ["units.code"], name=op.f("fk_observations_partner_code_units")
        ),
        sa.ForeignKeyConstraint(
            ["unit_code"], ["units.code"], name=op.f("fk_observations_unit_code_units")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_observations")),
        sa.UniqueConstraint(
            "indicator",
            "subject_key",
            "period",
            "vintage",
            name=op.f("uq_observations_indicator_subject_key_period_vintage"),
        ),
    )
    op.create_index(op.f("ix_observations_import_id"), "observations", ["import_id"])
    op.create_index(
        op.f("ix_observations_indicator_period"), "observations", ["indicator", "period"]
    )
    op.create_index(op.f("ix_observations_subject_key"), "observations", ["subject_key"])


def downgrade() -> None:
    """Drop every table of the system of record."""
    op.drop_table("observations")
    op.drop_table("imports")
    op.drop_table("indicators")
    op.drop_table("metro_members")
    op.drop_table("metro_areas")
    op.drop_table("units")
