"""Database tables of the system of record, as typed SQLAlchemy 2 models.

The models are the single definition of the schema; the Alembic migrations under
``store/migrations/versions`` create exactly these tables (a test compares the two on SQLite
and PostgreSQL). Constraint and index names come from :data:`NAMING_CONVENTION`, so they are
the same on every database and migrations can refer to them.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    Dialect,
    Double,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = [
    "NAMING_CONVENTION",
    "UNIT_CODE_LENGTH",
    "Base",
    "Import",
    "ImportEvent",
    "Indicator",
    "MetroArea",
    "MetroMember",
    "Observation",
    "Unit",
    "UnitBoundary",
    "UtcDateTime",
]

NAMING_CONVENTION: dict[str, str] = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

LEVELS = ("province", "city", "county")
SUBJECT_KINDS = ("unit", "pair", "metro")
VALUE_KINDS = ("reported", "computed", "estimated", "sample")
INDICATOR_KINDS = ("raw", "computed")
METRO_STATUSES = ("adopted", "draft")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"



VINTAGE_LENGTH = 120
"""Longest vintage (release name) the store keeps, in characters."""
UNIT_LENGTH = 64
"""Longest unit of measure the store keeps, in characters."""
UNIT_CODE_LENGTH = 12
"""Longest unit code the store keeps, in digits (GB/T 2260 counties have 6, townships 9)."""

class UtcDateTime(TypeDecorator[dt.datetime]):
    """A timezone-aware UTC timestamp on every database.

    PostgreSQL keeps ``timestamp with time zone``; SQLite keeps text without an offset. Values
    are converted to UTC on the way in and come back as aware UTC datetimes on the way out.
    Naive datetimes given to the store are taken to be UTC already.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Dialect) -> dt.datetime | None:
        """Convert an aware datetime to UTC (naive ones are assumed to be UTC)."""
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(
        self, value: dt.datetime | None, dialect: Dialect
    ) -> dt.datetime | None:
        """Return an aware UTC datetime."""
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


def utc_now() -> dt.datetime:
    """Return the current time as an aware UTC datetime."""
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    """Declarative base of every tongcheng table."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Unit(Base):
    """An administrative unit (province, prefecture-level city or county-level unit)."""

    __tablename__ = "units"
    __table_args__ = (
        CheckConstraint(_one_of("level", LEVELS), name="level"),
        Index(None, "parent_code"),
    )

    code: Mapped[str] = mapped_column(String(UNIT_CODE_LENGTH), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(100))
    short_zh: Mapped[str | None] = mapped_column(String(50))
    name_en: Mapped[str | None] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(16))
    kind_zh: Mapped[str | None] = mapped_column(String(50))
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("units.code"))
    province_code: Mapped[str | None] = mapped_column(String(UNIT_CODE_LENGTH))
    lon: Mapped[float | None] = mapped_column(Double)
    lat: Mapped[float | None] = mapped_column(Double)
    area_km2: Mapped[float | None] = mapped_column(Double)


class UnitBoundary(Base):
    """The boundary of a unit: a WGS-84 (EPSG:4326) (Multi)Polygon as well-known binary.

    WKB rather than GeoJSON text: it keeps every coordinate exactly (IEEE doubles, so what is
    read back equals what was written), is about half the size of full-precision GeoJSON and is
    read and written in bulk by shapely; PostGIS, if ever added, converts it with
    ``ST_GeomFromWKB``. A table of its own, so that reading units never reads polygons.
    """

    __tablename__ = "unit_boundaries"

    code: Mapped[str] = mapped_column(
        ForeignKey("units.code", ondelete="CASCADE"), primary_key=True
    )
    wkb: Mapped[bytes] = mapped_column(LargeBinary)


class MetroArea(Base):
    """A metropolitan area (都市圈) as defined by one planning document."""

    __tablename__ = "metro_areas"
    __table_args__ = (CheckConstraint(_one_of("status", METRO_STATUSES), name="status"),)

    metro_code: Mapped[str] = mapped_column(String(32), primary_key=True)
    version: Mapped[str | None] = mapped_column(String(32))
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str | None] = mapped_column(String(200))
    core_code: Mapped[str | None] = mapped_column(ForeignKey("units.code"))
    status: Mapped[str] = mapped_column(String(16))
    source_doc: Mapped[str | None] = mapped_column(Text)
    issued: Mapped[str | None] = mapped_column(String(32))
    source_url: Mapped[str | None] = mapped_column(Text)


class MetroMember(Base):
    """Membership of a unit in a metropolitan area."""

    __tablename__ = "metro_members"
    __table_args__ = (Index(None, "member_code"),)

    metro_code: Mapped[str] = mapped_column(
        ForeignKey("metro_areas.metro_code", ondelete="CASCADE"), primary_key=True
    )
    member_code: Mapped[str] = mapped_column(ForeignKey("units.code"), primary_key=True)


class Indicator(Base):
    """An entry of the indicator catalogue."""

    __tablename__ = "indicators"
    __table_args__ = (
        CheckConstraint(_one_of("subject_kind", SUBJECT_KINDS), name="subject_kind"),
        CheckConstraint(_one_of("kind", INDICATOR_KINDS), name="kind"),
    )

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str | None] = mapped_column(String(300))
    unit: Mapped[str | None] = mapped_column(String(UNIT_LENGTH))
    subject_kind: Mapped[str] = mapped_column(String(8))
    description_zh: Mapped[str | None] = mapped_column(Text)
    description_en: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(16))
    direction: Mapped[int | None] = mapped_column(Integer)
    min_value: Mapped[float | None] = mapped_column(Double)
    max_value: Mapped[float | None] = mapped_column(Double)
    max_jump: Mapped[float | None] = mapped_column(Double)


class Import(Base):
    """One imported file, with its provenance and what came of it."""

    __tablename__ = "imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    file_name: Mapped[str] = mapped_column(Text)
    stored_path: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text)
    vintage: Mapped[str] = mapped_column(String(VINTAGE_LENGTH))
    sheet: Mapped[str | None] = mapped_column(String(100))
    imported_at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    n_rows_read: Mapped[int] = mapped_column(Integer)
    n_observations: Mapped[int] = mapped_column(Integer)
    n_warnings: Mapped[int] = mapped_column(Integer)
    warnings_json: Mapped[str] = mapped_column(Text)
    imported_by: Mapped[str | None] = mapped_column(Text)
    reverted_at: Mapped[dt.datetime | None] = mapped_column(UtcDateTime)
    reverted_by: Mapped[str | None] = mapped_column(Text)


IMPORT_ACTIONS = ("imported", "reverted", "reapplied")


class ImportEvent(Base):
    """One event in the history of an import (append-only): imported, reverted, re-applied."""

    __tablename__ = "import_events"
    __table_args__ = (
        Index(None, "import_id"),
        CheckConstraint(_one_of("action", IMPORT_ACTIONS), name="action"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    import_id: Mapped[int] = mapped_column(ForeignKey("imports.id"))
    action: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str | None] = mapped_column(Text)
    at: Mapped[dt.datetime] = mapped_column(UtcDateTime)
    n_observations: Mapped[int] = mapped_column(Integer)
    note: Mapped[str | None] = mapped_column(Text)


class Observation(Base):
    """One value of one indicator for one subject and period (long form)."""

    __tablename__ = "observations"
    __table_args__ = (
        UniqueConstraint("indicator", "subject_key", "period", "vintage"),
        Index(None, "indicator", "period"),
        Index(None, "subject_key"),
        Index(None, "import_id"),
        CheckConstraint(_one_of("subject_kind", SUBJECT_KINDS), name="subject_kind"),
        CheckConstraint(_one_of("value_kind", VALUE_KINDS), name="value_kind"),
    )

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    indicator: Mapped[str] = mapped_column(ForeignKey("indicators.code"))
    subject_kind: Mapped[str] = mapped_column(String(8))
    subject_key: Mapped[str] = mapped_column(String(64))
    unit_code: Mapped[str | None] = mapped_column(ForeignKey("units.code"))
    partner_code: Mapped[str | None] = mapped_column(ForeignKey("units.code"))
    metro_code: Mapped[str | None] = mapped_column(ForeignKey("metro_areas.metro_code"))
    period: Mapped[str] = mapped_column(String(16))
    value: Mapped[float | None] = mapped_column(Double)
    unit: Mapped[str] = mapped_column(String(UNIT_LENGTH))
    value_kind: Mapped[str] = mapped_column(String(16))
    vintage: Mapped[str] = mapped_column(String(VINTAGE_LENGTH), server_default=text("''"))
    source: Mapped[str] = mapped_column(Text)
    import_id: Mapped[int | None] = mapped_column(ForeignKey("imports.id", ondelete="CASCADE"))
    flags: Mapped[str] = mapped_column(Text, server_default=text("''"))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now)


class IndexRun(Base):
    """One build of a composite index: its recipe and framework as run, for regeneration."""

    __tablename__ = "index_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(Text)
    indicator: Mapped[str] = mapped_column(String(64))
    recipe_yaml: Mapped[str] = mapped_column(Text)
    framework_csv: Mapped[str] = mapped_column(Text)
    data_sha256: Mapped[str] = mapped_column(String(64))
    n_units: Mapped[int] = mapped_column(Integer)
    version: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, default=utc_now)
