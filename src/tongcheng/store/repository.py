"""The :class:`Store`: typed read and write operations on the system of record."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

import pandas as pd
from sqlalchemy import ColumnElement, Connection, Engine, delete, func, insert, select, update
from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError

from .._errors import StoreError
from .._text import Text
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
from .db import IMMEDIATE, connect, current_revision, database_failure, normalise_url, pause_point, upgrade
from .models import (
    SUBJECT_KINDS,
    Import,
    ImportEvent,
    IndexRun,
    Indicator,
    MetroArea,
    Observation,
    Unit,
    utc_now,
)
from .records import ImportEventRecord, ImportRecord, current_user

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["Store"]

_OBS_DTYPES = {"id": "int64", "value": "float64", "import_id": "Int64", "created_at": "utc"}
_IMPORT_COLUMNS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(ImportRecord))
_IMPORT_DTYPES = {"id": "int64", "imported_at": "utc", "n_rows_read": "int64",
                  "n_observations": "int64", "n_warnings": "int64", "reverted_at": "utc"}
_EVENT_COLUMNS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(ImportEventRecord))
_EVENT_DTYPES = {"id": "int64", "import_id": "int64", "at": "utc", "n_observations": "int64"}
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
        try:
            with self.engine.connect() as conn:
                yield conn
        except SQLAlchemyError as exc:
            raise database_failure(exc, Text("读取数据库", "Reading the database")) from exc

    @contextmanager
    def _write(self, what: str | Text) -> Iterator[Connection]:
        """Run a block in one transaction; turn database errors into :class:`StoreError`.

        On SQLite the transaction takes the write lock when it begins (``BEGIN
        IMMEDIATE``), so a second writer waits for the first instead of failing; the
        message of a database error carries its first line only, never SQL or rows.
        """
        try:
            with self.engine.connect() as conn:
                conn.execution_options(**{IMMEDIATE: True})
                with conn.begin():
                    yield conn
        except StoreError:
            raise
        except SQLAlchemyError as exc:
            raise database_failure(exc, what) from exc

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
        """Return the import of the file with this SHA-256, or ``None`` if never imported.

        A reverted import is returned too (its ``reverted_at`` is set): importing the same
        file again re-applies it (:meth:`reapply_import`) under the same record.
        """
        with self._read() as conn:
            return _find_import(conn, Import.sha256 == sha256)

    def get_import(self, import_id: int) -> ImportRecord:
        """Return import ``import_id``.

        Raises
        ------
        StoreError
            There is no such import (the message says how to list them).
        """
        with self._read() as conn:
            return _require_import(conn, import_id)

    def imports(self) -> pd.DataFrame:
        """Return every recorded import (columns of :class:`ImportRecord`), oldest first.

        Reverted imports are listed too; ``reverted_at`` tells them apart.
        """
        cols = [getattr(Import, c) for c in _IMPORT_COLUMNS]
        with self._read() as conn:
            rows = conn.execute(select(*cols).order_by(Import.id)).all()
        return frame_from_rows(rows, _IMPORT_COLUMNS, dtypes=_IMPORT_DTYPES)

    def import_events(self, import_id: int | None = None) -> pd.DataFrame:
        """Return the history of the imports (columns of :class:`ImportEventRecord`), in order.

        Parameters
        ----------
        import_id
            Only the events of this import (default: of every import).

        Returns
        -------
        pandas.DataFrame
            One row per event: ``imported``, ``reverted`` or ``reapplied``, who did it, when
            and how many observations it wrote or removed. Imports recorded before store
            revision 0005 have no events.
        """
        e = ImportEvent
        query = select(*[getattr(e, c) for c in _EVENT_COLUMNS]).order_by(e.id)
        if import_id is not None:
            query = query.where(e.import_id == int(import_id))
        with self._read() as conn:
            rows = conn.execute(query).all()
        return frame_from_rows(rows, _EVENT_COLUMNS, dtypes=_EVENT_DTYPES)

    def record_import(self, record: ImportRecord, observations: pd.DataFrame) -> ImportRecord:
        """Store one import and all its observations in a single transaction.

        The transaction also appends an ``imported`` event (:meth:`import_events`). On
        SQLite it holds the write lock from its start, so a concurrent import waits for it;
        on PostgreSQL imports take an advisory lock for the same effect.

        Parameters
        ----------
        record
            Provenance of the file; ``id`` must be ``None``. ``imported_at`` defaults to now;
            a naive datetime is taken to be UTC. ``imported_by`` defaults to the operating
            system's user.
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
            The file was imported before (same SHA-256, also when another process recorded
            it a moment ago); the frame is invalid (every problem listed); it refers to
            unknown indicators, units or metro areas; or the database refused a row (e.g. a
            key already stored: see :meth:`conflicts`). In every case nothing at all was
            written.
        """
        if record.id is not None:
            msg = f"record_import: the record already has id {record.id}; pass a new record."
            raise StoreError(msg)
        _refuse_duplicate(self.find_import(record.sha256), record)
        what = Text(f"导入 {record.file_name!r}", f"Importing {record.file_name!r}")
        rows = self._prepare_import_rows(observations, record, what=what)
        at = _utc(record.imported_at)
        stored = dataclasses.replace(record, imported_at=at, n_observations=len(rows),
                                     imported_by=record.imported_by or current_user())
        values = {k: v for k, v in dataclasses.asdict(stored).items() if k != "id"}
        pause_point("db_begin")
        with self._import_transaction(what, rows) as conn:
            _refuse_duplicate(_find_import(conn, Import.sha256 == record.sha256), record)
            self._check_references(conn, rows, what=what)
            result = conn.execute(insert(Import).values(**values))
            import_id = int(result.inserted_primary_key[0])  # type: ignore[index]
            self._insert_observations(conn, rows, import_id=import_id)
            _add_event(conn, import_id, "imported", actor=stored.imported_by, at=at, n=len(rows))
            pause_point("db_write")
        return dataclasses.replace(stored, id=import_id)

    def reapply_import(self, record: ImportRecord, observations: pd.DataFrame, *,
                       actor: str | None = None) -> ImportRecord:
        """Store the observations of a reverted import again, under its own record.

        One transaction: the observations are inserted, the record's ``reverted_at`` /
        ``reverted_by`` are cleared and its description (``source``, ``vintage``,
        ``sheet``, ``n_rows_read``, ``n_warnings``, ``warnings_json``, ``stored_path``) is
        taken from ``record``, and a ``reapplied`` event is appended. ``imported_at`` and
        ``imported_by`` keep the first import's.

        Parameters
        ----------
        record
            The reverted import (``id`` set), with the description of this application.
        observations
            As for :meth:`record_import`.
        actor
            Who re-applies it (default: the operating system's user).

        Returns
        -------
        ImportRecord
            The record as stored now.

        Raises
        ------
        StoreError
            No such import, it is not reverted, or the rows are refused (as for
            :meth:`record_import`); nothing is written then.
        """
        if record.id is None:
            msg = "reapply_import: the record has no id; pass the reverted import's record."
            raise StoreError(msg)
        import_id = int(record.id)
        what = Text(f"重新应用导入 #{import_id}({record.file_name!r})",
                    f"Re-applying import #{import_id} ({record.file_name!r})")
        rows = self._prepare_import_rows(observations, record, what=what)
        actor = actor or current_user()
        at = utc_now()
        with self._import_transaction(what, rows) as conn:
            current = _require_import(conn, import_id)
            if current.reverted_at is None:
                msg = Text(f"导入 #{import_id}({current.file_name!r})未被撤销,其观测值仍在库中;"
                           "无需重新应用。",
                           f"Import #{import_id} ({current.file_name!r}) is not reverted: its "
                           "observations are stored; there is nothing to re-apply.")
                raise StoreError(msg)
            self._check_references(conn, rows, what=what)
            self._insert_observations(conn, rows, import_id=import_id)
            changes = {k: getattr(record, k) for k in _REAPPLIED_FIELDS}
            conn.execute(update(Import).where(Import.id == import_id).values(
                **changes, n_observations=len(rows), reverted_at=None, reverted_by=None))
            note = _changed_note(current, record)
            _add_event(conn, import_id, "reapplied", actor=actor, at=at, n=len(rows), note=note)
            pause_point("db_write")
            stored = _require_import(conn, import_id)
        return stored

    def revert_import(self, import_id: int, *, actor: str | None = None,
                      note: str | None = None) -> ImportRecord:
        """Remove exactly the observations of one import, in one transaction.

        The import's record stays (``reverted_at`` / ``reverted_by`` are set) and a
        ``reverted`` event is appended; the kept raw file is not touched. Importing the same
        file again re-applies it. Computed indicators are not recomputed here.

        Parameters
        ----------
        import_id
            The import to revert.
        actor
            Who reverts it (default: the operating system's user).
        note
            Why, kept with the event.

        Returns
        -------
        ImportRecord
            The record as stored now; ``n_observations`` still tells how many it had.

        Raises
        ------
        StoreError
            There is no such import, or it was reverted already; nothing is changed then.
        """
        import_id = int(import_id)
        actor = actor or current_user()
        at = utc_now()
        what = Text(f"撤销导入 #{import_id}", f"Reverting import #{import_id}")
        with self._write(what) as conn:
            _lock_imports(conn)
            current = _require_import(conn, import_id)
            if current.reverted_at is not None:
                when = f"{_utc(current.reverted_at):%Y-%m-%d %H:%M}"
                who = current.reverted_by or "?"
                msg = Text(f"导入 #{import_id}({current.file_name!r})已于 {when} UTC 由 {who} 撤销,"
                           "不能再次撤销。若要恢复,请重新导入该文件。",
                           f"Import #{import_id} ({current.file_name!r}) was already reverted on "
                           f"{when} UTC by {who}; it cannot be reverted twice. To restore it, "
                           "import the file again.")
                raise StoreError(msg)
            removed = conn.execute(delete(Observation).where(Observation.import_id == import_id))
            n = int(removed.rowcount or 0)
            conn.execute(update(Import).where(Import.id == import_id)
                         .values(reverted_at=at, reverted_by=actor))
            _add_event(conn, import_id, "reverted", actor=actor, at=at, n=n, note=note)
            stored = _require_import(conn, import_id)
        return stored

    def _prepare_import_rows(self, observations: pd.DataFrame, record: ImportRecord, *,
                             what: Text) -> pd.DataFrame:
        return prepare_observations(
            observations, what=what,
            defaults={"value_kind": "reported", "vintage": record.vintage,
                      "source": record.source, "flags": ""},
        )

    @contextmanager
    def _import_transaction(self, what: Text, rows: pd.DataFrame) -> Iterator[Connection]:
        """Run an import's write transaction: serialised, with a conflict hint on refusal."""
        try:
            with self._write(what) as conn:
                _lock_imports(conn)
                yield conn
        except StoreError as exc:
            if isinstance(exc.__cause__, IntegrityError):
                hint = self._conflict_hint(rows)
                msg = Text(exc.render("zh") + hint.zh, exc.render("en") + hint.en)
                raise StoreError(msg) from exc.__cause__
            raise

    def _conflict_hint(self, rows: pd.DataFrame) -> Text:
        try:
            found = self.conflicts(rows)
        except StoreError:  # pragma: no cover - best effort only
            return Text("", "")
        if found.empty:
            return Text("", "")
        first = found.iloc[0]
        key = ", ".join(f"{c}={first[c]!r}" for c in KEY_COLUMNS)
        stored_by = first["stored_import_id"]
        return Text(
            f"\n{len(found)} 条观测值已以相同的 (indicator, subject_key, period, vintage) 存储,"
            f"例如 {key}(导入 #{stored_by})。可用 Store.conflicts() 列出;请给新数据单独的 "
            "vintage(版本),或删去这些行。",
            f"\n{len(found)} observation(s) are already stored with the same (indicator, "
            f"subject_key, period, vintage), e.g. {key} (import #{stored_by})."
            " Use Store.conflicts() to list them; give the new data its own vintage, or "
            "drop those rows.")

    def _check_references(self, conn: Connection, rows: pd.DataFrame, *,
                          what: str | Text) -> None:
        problems: list[Text] = []
        codes = set(rows["indicator"])
        kinds = dict(conn.execute(select(Indicator.code, Indicator.subject_kind)
                                  .where(Indicator.code.in_(sorted(codes)))).all())
        if unknown := codes - set(kinds):
            names = ", ".join(sorted(unknown)[:10])
            problems.append(Text(f"未知指标 {names};请先用 put_indicators 加入指标目录",
                                 f"unknown indicator(s) {names}; add them to the catalogue "
                                 "with put_indicators first"))
        expected = rows["indicator"].map(kinds).astype("str")
        wrong = expected.notna() & (expected != rows["subject_kind"])
        if wrong.any():
            first = rows.loc[wrong].iloc[0]
            n, code, row_kind = int(wrong.sum()), first["indicator"], first["subject_kind"]
            problems.append(Text(
                f"{n} 行的 subject_kind 与其指标不符,例如 {code} 为 '{kinds[code]}',"
                f"该行却为 '{row_kind}'",
                f"{n} row(s) have a subject_kind other than their indicator's, e.g. {code} is "
                f"'{kinds[code]}' but the row says '{row_kind}'"))
        units = set(rows["unit_code"].dropna()) | set(rows["partner_code"].dropna())
        if missing := units - ref.known(conn, Unit.code, units):
            names = ", ".join(sorted(missing)[:10])
            problems.append(Text(f"未知单元代码 {names};请先用 put_units 存入这些单元",
                                 f"unknown unit code(s) {names}; store the units with put_units "
                                 "first"))
        metros = set(rows["metro_code"].dropna())
        if missing := metros - ref.known(conn, MetroArea.metro_code, metros):
            names = ", ".join(sorted(missing)[:10])
            problems.append(Text(f"未知都市圈 {names};请先用 put_metros 存入",
                                 f"unknown metro area(s) {names}; store them with put_metros "
                                 "first"))
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


# ---------------------------------------------------------------------- import helpers
# Fields of a record that re-applying an import takes from the new application.
_REAPPLIED_FIELDS = ("source", "vintage", "sheet", "n_rows_read", "n_warnings", "warnings_json",
                     "stored_path")
# Arbitrary constant: serialises imports, re-applications and reverts on PostgreSQL.
_PG_IMPORT_LOCK = 0x746F6E68


def _utc(at: dt.datetime | None) -> dt.datetime:
    at = at or utc_now()
    return at.replace(tzinfo=dt.UTC) if at.tzinfo is None else at.astimezone(dt.UTC)


def _find_import(conn: Connection, condition: ColumnElement[bool]) -> ImportRecord | None:
    cols = [getattr(Import, c) for c in _IMPORT_COLUMNS]
    row = conn.execute(select(*cols).where(condition)).first()
    return None if row is None else ImportRecord(**row._asdict())


def _require_import(conn: Connection, import_id: int) -> ImportRecord:
    found = _find_import(conn, Import.id == int(import_id))
    if found is None:
        msg = Text(f"没有编号为 #{import_id} 的导入;`tongcheng import list` 列出全部导入。",
                   f"There is no import #{import_id}; `tongcheng import list` shows the imports.")
        raise StoreError(msg)
    return found


def _refuse_duplicate(previous: ImportRecord | None, record: ImportRecord) -> None:
    if previous is None:
        return
    sha = record.sha256[:12]
    when = f"{_utc(previous.imported_at):%Y-%m-%d %H:%M}"
    if previous.reverted_at is not None:
        msg = Text(f"文件 {record.file_name!r}(sha256 {sha}…)曾作为导入 #{previous.id} 导入,"
                   f"后被撤销;请用 reapply_import 重新应用(再次导入该文件即可),未写入任何数据。",
                   f"The file {record.file_name!r} (sha256 {sha}…) was imported as import "
                   f"#{previous.id} and reverted; re-apply it with reapply_import (importing the "
                   "file again does); nothing was written.")
        raise StoreError(msg)
    msg = Text(f"文件 {record.file_name!r}(sha256 {sha}…)已于 {when} UTC 作为导入 #{previous.id}"
               f"(来自 {previous.file_name!r})导入;未写入任何数据。",
               f"The file {record.file_name!r} (sha256 {sha}…) was already imported as import "
               f"#{previous.id} from {previous.file_name!r} on {when} UTC; nothing was written.")
    raise StoreError(msg)


def _lock_imports(conn: Connection) -> None:
    """Serialise import transactions on PostgreSQL (SQLite's ``BEGIN IMMEDIATE`` already does)."""
    if conn.dialect.name == "postgresql":
        conn.execute(select(func.pg_advisory_xact_lock(_PG_IMPORT_LOCK)))


def _add_event(conn: Connection, import_id: int, action: str, *, actor: str | None,
               at: dt.datetime, n: int, note: str | None = None) -> None:
    conn.execute(insert(ImportEvent).values(import_id=import_id, action=action, actor=actor,
                                            at=at, n_observations=int(n), note=note))


def _changed_note(before: ImportRecord, after: ImportRecord) -> str | None:
    changed = [f"{name}: {getattr(before, name)!r} -> {getattr(after, name)!r}"
               for name in ("source", "vintage") if getattr(before, name) != getattr(after, name)]
    return "; ".join(changed) or None
