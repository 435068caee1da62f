"""The :class:`Store`: typed read and write operations on the system of record."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

import pandas as pd
from sqlalchemy import ColumnElement, Connection, Engine, delete, func, insert, select
from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError

from .._errors import StoreError
from . import _boundaries as geo
from . import _reference as ref
from ._frames import (
    KEY_COLUMNS,
    OBSERVATION_COLUMNS,
    as_text,
    frame_from_rows,
    prepare_observations,
    raise_problems,
    records,
    require_columns,
    tuples,
)
from .db import connect, current_revision, normalise_url, upgrade
from .models import SUBJECT_KINDS, Import, IndexRun, Indicator, MetroArea, Observation, Unit, utc_now
from .records import ImportRecord

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["Store"]

_OBS_DTYPES = {"id": "int64", "value": "float64", "import_id": "Int64", "created_at": "utc"}
_IMPORT_COLUMNS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(ImportRecord))
_IMPORT_DTYPES = {"id": "int64", "imported_at": "utc", "n_rows_read": "int64",
                  "n_observations": "int64", "n_warnings": "int64"}
_INSERT_CHUNK = 10_000


def _as_list(values: Sequence[str] | str | None) -> list[str] | None:
    if values is None:
        return None
    if isinstance(values, str):
        return [values]
    return [str(v) for v in values]


def _copy_rows(conn: Connection, rows: pd.DataFrame, constants: dict[str, Any]) -> None:
    """Bulk-load observations on PostgreSQL with COPY (inside the caller's transaction)."""
    columns = [*(str(c) for c in rows.columns), *constants]
    table = Observation.__tablename__
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"  # fixed names, no user input
    driver = conn.connection.driver_connection
    try:
        with driver.cursor() as cursor, cursor.copy(sql) as copy:  # type: ignore[union-attr]
            for row in tuples(rows, **constants):
                copy.write_row(row)
    except conn.dialect.loaded_dbapi.IntegrityError as exc:
        raise IntegrityError(sql, None, exc) from exc
    except conn.dialect.loaded_dbapi.Error as exc:
        raise DBAPIError(sql, None, exc) from exc


def _executemany_rows(conn: Connection, rows: pd.DataFrame, constants: dict[str, Any]) -> None:
    """Bulk-insert observations with the driver's executemany (SQLite), skipping per-row work.

    Values are converted once per column here, so SQLAlchemy's per-row parameter processing is
    not needed; the one typed constant (``created_at``) goes through its column type once.
    """
    table = Observation.__table__
    values = dict(constants)
    stamp = table.c.created_at.type.bind_processor(conn.dialect)
    if stamp is not None:
        values["created_at"] = stamp(values["created_at"])
    columns = [*(str(c) for c in rows.columns), *values]
    marks = ", ".join(["?"] * len(columns))
    name = Observation.__tablename__
    sql = f"INSERT INTO {name} ({', '.join(columns)}) VALUES ({marks})"  # fixed names only
    batch = tuples(rows, **values)
    for start in range(0, len(batch), _INSERT_CHUNK):
        conn.exec_driver_sql(sql, batch[start:start + _INSERT_CHUNK])


class Store:
    """The system of record: units, metro areas, indicators, imports and observations.

    Open one with :meth:`Store.open`; the same code runs on a SQLite file and on PostgreSQL.
    Every write is one transaction: it happens completely or not at all.

    Parameters
    ----------
    engine
        A migrated engine (use :meth:`Store.open` rather than calling this directly).

    Attributes
    ----------
    url
        The database URL as opened, with the driver made explicit. It may contain a password:
        show ``repr(store)`` (password masked) to people and logs instead.

    Examples
    --------
    >>> from tongcheng.store import Store
    >>> with Store.open("sqlite://") as store:
    ...     store.revision()
    '0005'
    """

    def __init__(self, engine: Engine) -> None:
        self._engine: Engine | None = engine
        self.url: str = engine.url.render_as_string(hide_password=False)
        self._safe_url = engine.url.render_as_string(hide_password=True)

    # ------------------------------------------------------------------ lifecycle
    @classmethod
    def open(cls, url: str, *, create: bool = True) -> Store:
        """Open (and if needed create or migrate) the store at ``url``.

        Parameters
        ----------
        url
            ``sqlite:///path/to/tongcheng.db`` (relative paths are relative to the working
            directory) or ``postgresql+psycopg://user:password@host:port/dbname``; plain
            ``postgresql://`` means psycopg 3 too.
        create
            Whether a missing SQLite file or an empty database may be given a new, empty
            store. With ``False`` only existing stores open (they are still migrated).

        Returns
        -------
        Store
            The store, its schema at the newest revision.

        Raises
        ------
        StoreError
            With a fix-it message: the URL is malformed or names an unsupported database, the
            file or server cannot be reached, the database holds other tables, or it was
            written by a newer tongcheng (unknown schema revision).
        """
        engine = connect(normalise_url(url), create=create)
        try:
            upgrade(engine, create=create)
        except BaseException:
            engine.dispose()
            raise
        return cls(engine)

    def close(self) -> None:
        """Close every connection; the store cannot be used afterwards."""
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "" if self._engine is not None else ", closed"
        return f"Store({self._safe_url!r}{state})"

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine (for the store's own modules and tests)."""
        if self._engine is None:
            msg = f"{self!r} is closed; open it again with Store.open(url)."
            raise StoreError(msg)
        return self._engine

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            yield conn

    @contextmanager
    def _write(self, what: str) -> Iterator[Connection]:
        """Run a block in one transaction; turn database errors into :class:`StoreError`."""
        try:
            with self.engine.begin() as conn:
                yield conn
        except StoreError:
            raise
        except IntegrityError as exc:
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            msg = (f"{what} was refused by the database and rolled back; nothing was written. "
                   f"Reason: {reason}")
            raise StoreError(msg) from exc
        except SQLAlchemyError as exc:
            msg = f"{what} failed and was rolled back; nothing was written. Reason: {exc}"
            raise StoreError(msg) from exc

    def revision(self) -> str:
        """Return the schema revision of the database (e.g. ``"0001"``)."""
        with self._read() as conn:
            rev = current_revision(conn)
        if rev is None:  # pragma: no cover - open() always migrates
            msg = f"{self!r} has no schema revision; open it with Store.open(url)."
            raise StoreError(msg)
        return rev

    # ------------------------------------------------------------------ reference data
    def put_units(self, units: pd.DataFrame) -> int:
        """Insert or update administrative units by code.

        Parameters
        ----------
        units
            Columns ``code`` (or the index named ``code``), ``name_zh``, ``level`` (province,
            city or county) and optionally ``short_zh``, ``name_en``, ``kind_zh``,
            ``parent_code``, ``province_code``, ``lon``, ``lat``, ``area_km2``. Codes may be
            given as numbers; they are stored as 6-character strings. A ``geometry`` column
            (a GeoDataFrame in any CRS, or shapely geometries in WGS-84) stores each
            Polygon/MultiPolygon as the unit's boundary, in the same transaction; points and
            missing geometries store none (and leave a stored boundary as it is).

        Returns
        -------
        int
            Number of units written. Running it twice with the same table changes nothing.

        Raises
        ------
        StoreError
            Listing every problem (missing columns, bad codes or levels, unknown parents,
            empty or invalid polygons, coordinates outside WGS-84 ranges); nothing is written.
        """
        rows = geo.boundary_rows(units, what="put_units")
        with self._write("put_units") as conn:
            written = ref.write_units(conn, units)
            geo.write_boundaries(conn, rows, what="put_units")
            return written

    def put_boundaries(self, boundaries: pd.DataFrame) -> int:
        """Insert or replace the boundaries of stored units, all or nothing.

        Parameters
        ----------
        boundaries
            A GeoDataFrame (any CRS; stored in WGS-84) with the codes in ``code`` or an index
            named ``code``, one Polygon or MultiPolygon per unit.

        Returns
        -------
        int
            Number of boundaries written.

        Raises
        ------
        StoreError
            Listing every problem: codes that are not stored units, missing, empty, invalid or
            non-polygonal geometries, coordinates outside WGS-84 ranges, repeated codes.
        """
        rows = geo.boundary_rows(boundaries, what="put_boundaries", points="refuse")
        with self._write("put_boundaries") as conn:
            return geo.write_boundaries(conn, rows, what="put_boundaries")

    def boundaries(self, *, level: str | None = None,
                   codes: Sequence[str] | None = None) -> gpd.GeoDataFrame:
        """Return the stored unit boundaries as a GeoDataFrame in WGS-84 (EPSG:4326).

        Parameters
        ----------
        level
            Only units of this level (``"province"``, ``"city"`` or ``"county"``).
        codes
            Only these units.

        Returns
        -------
        geopandas.GeoDataFrame
            Indexed by ``code`` (str), sorted; columns ``name_zh``, ``name_en``, ``level`` and
            ``geometry``, exactly as stored (WKB keeps every coordinate). Units without a
            stored boundary are absent; the table is empty when none has one (as in a project
            that reads the bundled YRD boundaries).

        Examples
        --------
        >>> from shapely.geometry import box
        >>> import geopandas as gpd
        >>> unit = gpd.GeoDataFrame({"code": ["007001"], "name_zh": ["Vaduz"], "level": ["county"]},
        ...                         geometry=[box(9.5, 47.1, 9.6, 47.2)], crs="EPSG:4326")
        >>> with Store.open("sqlite://") as store:
        ...     store.put_units(unit)
        ...     store.boundaries().geometry.iloc[0].equals_exact(unit.geometry.iloc[0], 0)
        1
        True
        """
        with self._read() as conn:
            return geo.read_boundaries(conn, level=level, codes=codes)

    def units(self, *, level: str | None = None) -> pd.DataFrame:
        """Return the stored units, indexed by ``code`` (strings), sorted by code.

        Parameters
        ----------
        level
            Only units of this level (``"province"``, ``"city"`` or ``"county"``).
        """
        with self._read() as conn:
            return ref.read_units(conn, level=level)

    def put_metros(self, memberships: pd.DataFrame) -> int:
        """Insert or update metropolitan areas and replace their member lists.

        Parameters
        ----------
        memberships
            Long table, one row per (metro area, member): ``metro_code``, ``name_zh``,
            ``status`` (adopted or draft), ``member_code`` and optionally ``version``,
            ``name_en``, ``core_code``, ``source_doc``, ``issued``, ``source_url``. Other
            columns (e.g. ``member_name``) are ignored. Metro-level columns must agree across
            the rows of one metro area. Members and cores must be stored units.

        Returns
        -------
        int
            Number of membership rows written.
        """
        with self._write("put_metros") as conn:
            return ref.write_metros(conn, memberships)

    def metro_memberships(self) -> pd.DataFrame:
        """Return the long membership table in the shape :meth:`put_metros` takes."""
        with self._read() as conn:
            return ref.read_metros(conn)

    def put_indicators(self, catalogue: pd.DataFrame) -> int:
        """Insert or update indicator catalogue entries by ``code``.

        Parameters
        ----------
        catalogue
            Columns ``code`` (or the index), ``name_zh``, ``subject_kind`` (unit, pair or
            metro) and optionally ``name_en``, ``unit``, ``description_zh``,
            ``description_en``, ``source``, ``kind`` (raw or computed; default raw).

        Returns
        -------
        int
            Number of entries written.
        """
        with self._write("put_indicators") as conn:
            return ref.write_indicators(conn, catalogue)

    def indicators(self) -> pd.DataFrame:
        """Return the indicator catalogue: a ``code`` column and the catalogue columns."""
        with self._read() as conn:
            return ref.read_indicators(conn)

    # ------------------------------------------------------------------ imports
    def find_import(self, sha256: str) -> ImportRecord | None:
        """Return the import of the file with this SHA-256, or ``None`` if never imported."""
        cols = [getattr(Import, c) for c in _IMPORT_COLUMNS]
        with self._read() as conn:
            row = conn.execute(select(*cols).where(Import.sha256 == sha256)).first()
        return None if row is None else ImportRecord(**row._asdict())

    def imports(self) -> pd.DataFrame:
        """Return every recorded import (columns of :class:`ImportRecord`), oldest first."""
        cols = [getattr(Import, c) for c in _IMPORT_COLUMNS]
        with self._read() as conn:
            rows = conn.execute(select(*cols).order_by(Import.id)).all()
        return frame_from_rows(rows, _IMPORT_COLUMNS, dtypes=_IMPORT_DTYPES)

    def record_import(self, record: ImportRecord, observations: pd.DataFrame) -> ImportRecord:
        """Store one import and all its observations in a single transaction.

        Parameters
        ----------
        record
            Provenance of the file; ``id`` must be ``None``. ``imported_at`` defaults to now;
            a naive datetime is taken to be UTC.
        observations
            Long table with columns ``indicator``, ``subject_kind``, ``subject_key``,
            ``period``, ``value`` (missing → NULL), ``unit`` and optionally ``value_kind``
            (default ``"reported"``), ``vintage`` and ``source`` (default: the record's),
            ``flags`` (default ``""``), ``unit_code``, ``partner_code``, ``metro_code``
            (default: taken from ``subject_key``). Extra columns are ignored.

        Returns
        -------
        ImportRecord
            The record as stored: ``id`` set, ``n_observations`` = rows written.

        Raises
        ------
        StoreError
            The file was imported before (same SHA-256); the frame is invalid (every problem
            listed); it refers to unknown indicators, units or metro areas; or the database
            refused a row (e.g. a key already stored: see :meth:`conflicts`). In every case
            nothing at all was written.
        """
        if record.id is not None:
            msg = f"record_import: the record already has id {record.id}; pass a new record."
            raise StoreError(msg)
        previous = self.find_import(record.sha256)
        if previous is not None:
            msg = (f"The file {record.file_name!r} (sha256 {record.sha256[:12]}…) was already "
                   f"imported as import #{previous.id} from {previous.file_name!r} on "
                   f"{previous.imported_at:%Y-%m-%d %H:%M} UTC; nothing was written.")
            raise StoreError(msg)
        what = f"Importing {record.file_name!r}"
        rows = prepare_observations(
            observations, what=what,
            defaults={"value_kind": "reported", "vintage": record.vintage,
                      "source": record.source, "flags": ""},
        )
        at = record.imported_at or utc_now()
        at = at.replace(tzinfo=dt.UTC) if at.tzinfo is None else at.astimezone(dt.UTC)
        stored = dataclasses.replace(record, imported_at=at, n_observations=len(rows))
        values = {k: v for k, v in dataclasses.asdict(stored).items() if k != "id"}
        try:
            with self._write(what) as conn:
                self._check_references(conn, rows, what=what)
                result = conn.execute(insert(Import).values(**values))
                import_id = int(result.inserted_primary_key[0])  # type: ignore[index]
                self._insert_observations(conn, rows, import_id=import_id)
        except StoreError as exc:
            if isinstance(exc.__cause__, IntegrityError):
                msg = f"{exc}{self._conflict_hint(rows)}"
                raise StoreError(msg) from exc.__cause__
            raise
        return dataclasses.replace(stored, id=import_id)

    def _conflict_hint(self, rows: pd.DataFrame) -> str:
        try:
            found = self.conflicts(rows)
        except StoreError:  # pragma: no cover - best effort only
            return ""
        if found.empty:
            return ""
        first = found.iloc[0]
        key = ", ".join(f"{c}={first[c]!r}" for c in KEY_COLUMNS)
        return (f"\n{len(found)} observation(s) are already stored with the same (indicator, "
                f"subject_key, period, vintage), e.g. {key} (import #{first['stored_import_id']})."
                " Use Store.conflicts() to list them; give the new data its own vintage, or "
                "drop those rows.")

    def _check_references(self, conn: Connection, rows: pd.DataFrame, *, what: str) -> None:
        problems: list[str] = []
        codes = set(rows["indicator"])
        kinds = dict(conn.execute(select(Indicator.code, Indicator.subject_kind)
                                  .where(Indicator.code.in_(sorted(codes)))).all())
        if unknown := codes - set(kinds):
            problems.append(f"unknown indicator(s) {', '.join(sorted(unknown)[:10])}; add them "
                            "to the catalogue with put_indicators first")
        expected = rows["indicator"].map(kinds).astype("str")
        wrong = expected.notna() & (expected != rows["subject_kind"])
        if wrong.any():
            first = rows.loc[wrong].iloc[0]
            problems.append(f"{int(wrong.sum())} row(s) have a subject_kind other than their "
                            f"indicator's, e.g. {first['indicator']} is "
                            f"'{kinds[first['indicator']]}' but the row says "
                            f"'{first['subject_kind']}'")
        units = set(rows["unit_code"].dropna()) | set(rows["partner_code"].dropna())
        if missing := units - ref.known(conn, Unit.code, units):
            problems.append(f"unknown unit code(s) {', '.join(sorted(missing)[:10])}; store the "
                            "units with put_units first")
        metros = set(rows["metro_code"].dropna())
        if missing := metros - ref.known(conn, MetroArea.metro_code, metros):
            problems.append(f"unknown metro area(s) {', '.join(sorted(missing)[:10])}; store "
                            "them with put_metros first")
        raise_problems(problems, what=what)

    @staticmethod
    def _insert_observations(
        conn: Connection, rows: pd.DataFrame, *, import_id: int | None
    ) -> None:
        constants = {"import_id": import_id, "created_at": utc_now()}
        if conn.dialect.name == "postgresql":
            _copy_rows(conn, rows, constants)
        elif conn.dialect.paramstyle == "qmark":
            _executemany_rows(conn, rows, constants)
        else:  # pragma: no cover - a driver tongcheng does not use
            conn.execute(insert(Observation), records(rows, **constants))

    # ------------------------------------------------------------------ observations
    def conflicts(self, observations: pd.DataFrame) -> pd.DataFrame:
        """Return the rows whose key is already stored, with the stored value beside them.

        Parameters
        ----------
        observations
            Frame with ``indicator``, ``subject_key``, ``period`` and optionally ``vintage``
            (missing → ``""``).

        Returns
        -------
        pandas.DataFrame
            The matching rows of ``observations`` (same index and columns, original order)
            plus ``stored_value`` (float) and ``stored_import_id`` (Int64; missing for
            computed rows).
        """
        require_columns(observations, ("indicator", "subject_key", "period"), what="conflicts")
        keys = pd.DataFrame({c: as_text(observations[c]) for c in KEY_COLUMNS[:3]})
        keys["vintage"] = (as_text(observations["vintage"]).fillna("")
                           if "vintage" in observations.columns else "")
        keys["_pos"] = range(len(keys))
        indicators = sorted(set(keys["indicator"].dropna()))
        periods = sorted(set(keys["period"].dropna()))
        o = Observation
        query = select(o.indicator, o.subject_key, o.period, o.vintage, o.value, o.import_id)
        with self._read() as conn:
            stored_rows: list[Any] = []
            for start in range(0, len(indicators), 500):
                part = indicators[start:start + 500]
                stored_rows += conn.execute(
                    query.where(o.indicator.in_(part), o.period.in_(periods))).all()
        stored = frame_from_rows(stored_rows, (*KEY_COLUMNS, "stored_value", "stored_import_id"),
                                 dtypes={"stored_value": "float64", "stored_import_id": "Int64"})
        hits = keys.merge(stored, on=list(KEY_COLUMNS), how="inner").sort_values("_pos")
        out = observations.iloc[hits["_pos"].to_numpy()].copy()
        out["stored_value"] = hits["stored_value"].to_numpy()
        out["stored_import_id"] = hits["stored_import_id"].astype("Int64").to_numpy()
        out["stored_import_id"] = out["stored_import_id"].astype("Int64")
        return out

    def observations(
        self,
        *,
        indicators: Sequence[str] | None = None,
        subject_kind: str | None = None,
        periods: Sequence[str] | None = None,
        latest_vintage: bool = True,
    ) -> pd.DataFrame:
        """Return stored observations as a long frame.

        Parameters
        ----------
        indicators
            Only these indicator codes (default: all).
        subject_kind
            Only ``"unit"``, ``"pair"`` or ``"metro"`` observations.
        periods
            Only these periods (e.g. ``["2020", "2021"]``).
        latest_vintage
            Keep, for each (indicator, subject_key, period), only the row from the most recent
            import (highest ``import_id``); among rows without an import (computed), the most
            recently created. Imported rows take precedence over computed ones. ``False``
            returns every vintage.

        Returns
        -------
        pandas.DataFrame
            Columns ``id, indicator, subject_kind, subject_key, unit_code, partner_code,
            metro_code, period, value, unit, value_kind, vintage, source, import_id, flags,
            created_at``, sorted by indicator, subject_key, period, id.
        """
        if subject_kind is not None and subject_kind not in SUBJECT_KINDS:
            msg = f"subject_kind={subject_kind!r}; use one of {', '.join(SUBJECT_KINDS)} or None."
            raise StoreError(msg)
        o = Observation.__table__
        conds: list[ColumnElement[bool]] = []
        if (wanted := _as_list(indicators)) is not None:
            conds.append(o.c.indicator.in_(wanted))
        if (wanted_periods := _as_list(periods)) is not None:
            conds.append(o.c.period.in_(wanted_periods))
        if subject_kind is not None:
            conds.append(o.c.subject_kind == subject_kind)
        cols = [o.c[c] for c in OBSERVATION_COLUMNS]
        if latest_vintage:
            rank = func.row_number().over(
                partition_by=(o.c.indicator, o.c.subject_key, o.c.period),
                order_by=(func.coalesce(o.c.import_id, 0).desc(), o.c.created_at.desc(),
                          o.c.id.desc()),
            ).label("_rank")
            inner = select(*cols, rank).where(*conds).subquery()
            query = (select(*[inner.c[c] for c in OBSERVATION_COLUMNS]).where(inner.c._rank == 1)
                     .order_by(inner.c.indicator, inner.c.subject_key, inner.c.period, inner.c.id))
        else:
            query = select(*cols).where(*conds).order_by(o.c.indicator, o.c.subject_key,
                                                         o.c.period, o.c.id)
        with self._read() as conn:
            rows = conn.execute(query).all()
        return frame_from_rows(rows, OBSERVATION_COLUMNS, dtypes=_OBS_DTYPES)

    # ------------------------------------------------------------------ index runs
    def record_index_run(self, *, name: str, indicator: str, recipe_yaml: str,
                         framework_csv: str, data_sha256: str, n_units: int,
                         version: str) -> int:
        """Record one composite-index build (recipe and framework as run) and return its id.

        Parameters
        ----------
        name
            Human name of the index.
        indicator
            Code under which its scores are stored as observations.
        recipe_yaml, framework_csv
            The recipe and the framework exactly as used, so the build can be regenerated.
        data_sha256
            Hash of the input data table.
        n_units
            Number of units (or pairs) scored.
        version
            tongcheng version that built it.
        """
        row = {"name": name, "indicator": indicator, "recipe_yaml": recipe_yaml,
               "framework_csv": framework_csv, "data_sha256": data_sha256,
               "n_units": int(n_units), "version": version, "created_at": utc_now()}
        with self._write("record_index_run") as conn:
            result = conn.execute(insert(IndexRun).values(**row))
            return int(result.inserted_primary_key[0])

    def index_runs(self) -> pd.DataFrame:
        """Return every recorded index build, oldest first (``id`` is a column)."""
        cols = ["id", "name", "indicator", "recipe_yaml", "framework_csv", "data_sha256",
                "n_units", "version", "created_at"]
        with self._read() as conn:
            rows = conn.execute(select(*[getattr(IndexRun, c) for c in cols])
                                .order_by(IndexRun.id)).all()
        return pd.DataFrame([r._asdict() for r in rows], columns=cols)

    def replace_computed(self, observations: pd.DataFrame, *, indicators: Sequence[str]) -> int:
        """Replace the computed values of some indicators, in one transaction.

        Deletes every ``value_kind == "computed"`` row of ``indicators`` and inserts
        ``observations`` in their place; reported values are never touched.

        Parameters
        ----------
        observations
            New computed rows, columns as for :meth:`record_import` (``value_kind`` defaults
            to and must be ``"computed"``; ``vintage`` and ``flags`` default to ``""``,
            ``source`` to ``"computed"``). Every row's indicator must be in ``indicators``.
            An empty frame just deletes.
        indicators
            Indicator codes whose computed rows are replaced.

        Returns
        -------
        int
            Number of rows inserted.
        """
        codes = _as_list(indicators) or []
        what = f"replace_computed({', '.join(codes[:5])})"
        rows = None
        if len(observations):
            rows = prepare_observations(
                observations, what=what,
                defaults={"value_kind": "computed", "vintage": "", "source": "computed",
                          "flags": ""},
            )
            problems = []
            if (stray := set(rows["indicator"]) - set(codes)):
                problems.append(f"rows of indicator(s) {', '.join(sorted(stray)[:10])} are not "
                                "in indicators=; add them there or drop those rows")
            if (rows["value_kind"] != "computed").any():
                problems.append("value_kind must be 'computed' for every row (other kinds are "
                                "imported with record_import)")
            raise_problems(problems, what=what)
        with self._write(what) as conn:
            if rows is not None:
                self._check_references(conn, rows, what=what)
            o = Observation
            conn.execute(delete(o).where(o.value_kind == "computed", o.indicator.in_(codes)))
            if rows is not None:
                self._insert_observations(conn, rows, import_id=None)
        return 0 if rows is None else len(rows)
