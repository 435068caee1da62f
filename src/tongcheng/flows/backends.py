"""Aggregate record-level trips (one row per person and day) to an OD table.

One function, :func:`aggregate_trips`, three engines: DuckDB in process (the default,
streams Parquet and uses every core), pandas (reference, in memory) and Apache Spark
(``pyspark`` in local mode, or any cluster the session points to). All three return the
same :class:`~tongcheng.flows.od.ODTable`, row for row.

Storing unit codes as small integer indices (``0 … n-1``, e.g. ``int16``) with the codes
passed as ``units=`` makes every engine group on small integers. DuckDB then uses its
array ("perfect hash") aggregate instead of a hash table, which halves its aggregation time
on county-level data.
"""

from __future__ import annotations

import glob as _glob
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np
import pandas as pd

from .._errors import DataError, Problem, TongchengError, ValidationError
from .._text import Text
from .od import ODTable

if TYPE_CHECKING:
    import duckdb

__all__ = ["BACKENDS", "aggregate_trips"]

BACKENDS = ("duckdb", "pandas", "spark")
Backend = Literal["duckdb", "pandas", "spark"]
Count = Literal["distinct", "records"]

# DuckDB aggregates into a flat array ("perfect hash") when the group keys span ≤ this many
# bits by their min/max statistics (default 12): ≤ 4 M slots per thread and file.
_PERFECT_HT_BITS = 22
# Above this many Parquet files DuckDB reads them as one scan (no min/max statistics, so a
# hash aggregate); up to it, as a UNION ALL of one scan per file, which keeps the statistics.
_MAX_UNION_FILES = 64
# With unit indices, origin and destination are packed into one key when n² · 2 years fits
# that array (2 · 1024² = 2^21 slots).
_MAX_PACKED_UNITS = 1024


def _files(path_or_glob: str | Path) -> list[str]:
    text = str(path_or_glob)
    path = Path(text)
    if path.is_dir():
        files = sorted(str(p) for p in path.rglob("*.parquet"))
    else:
        files = sorted(_glob.glob(text))
    if not files:
        msg = Text(f"没有匹配 {text!r} 的文件;请给出 Parquet/CSV 文件、Parquet 文件夹或通配符",
                   f"no file matches {text!r}; give a Parquet/CSV file, a folder of Parquet files or a glob")
        raise DataError(msg)
    suffixes = {Path(f).suffix.lower() for f in files}
    if len(suffixes) > 1 or not suffixes <= {".parquet", ".csv"}:
        msg = Text(f"出行记录文件须全为 .parquet 或全为 .csv;实为 {sorted(suffixes)}",
                   f"trip files must all be .parquet or all be .csv; got {sorted(suffixes)}")
        raise DataError(msg)
    return files


def aggregate_trips(  # noqa: PLR0913  (keyword-only column names and labels)
        path_or_glob: str | Path, *, backend: Backend = "duckdb", origin: str = "home_unit",
        destination: str = "work_unit", person: str = "id", date: str = "date",
        period: str | None = None, count: Count = "distinct", kind: str = "commuting",
        value_kind: str = "sample", threads: int | None = None,
        units: Sequence[str] | None = None) -> ODTable:
    r"""Count trips or people per origin, destination and year.

    .. math:: T_{ij,y} = \bigl|\{\, p : (p, i, j, d) \in R,\ \mathrm{year}(d) = y \,\}\bigr|

    with ``count="distinct"`` (people), or the number of records with ``count="records"``
    (person-days). This is the 跨城通勤人数 of the Tongji reports when records are
    home–work pairs of working days (DOMAIN S01).

    Parameters
    ----------
    path_or_glob
        A Parquet or CSV file, a folder of Parquet files, or a glob such as ``"trips/*.parquet"``.
    backend
        ``"duckdb"`` (default), ``"pandas"`` or ``"spark"``.
    origin, destination, person, date
        Column names of home unit, work unit, person id and date.
    period
        Label all records with this period instead of the year of ``date`` (then ``date``
        is not read).
    count
        ``"distinct"`` people (default) or ``"records"``.
    kind, value_kind
        Labels of the result (``value_kind`` ``"sample"`` for identified users).
    threads
        Worker threads for DuckDB / Spark (default: every core).
    units
        If given, the origin and destination columns hold 0-based positions into this
        sequence of unit codes (a dictionary-encoded layout: small integers in the records,
        the codes once), and the result carries the codes. Without it, the columns hold
        the codes themselves.

    Returns
    -------
    ODTable
        Sorted by period, origin and destination.

    Raises
    ------
    DataError
        If no file matches, a column is missing, the backend is unknown or a unit index
        lies outside ``units``.
    ImportError
        If the chosen backend's package is not installed.
    """
    if backend not in BACKENDS:
        msg = f"backend is {backend!r}; expected one of {', '.join(BACKENDS)}"
        raise DataError(msg)
    if count not in ("distinct", "records"):
        msg = f"count is {count!r}; expected 'distinct' or 'records'"
        raise DataError(msg)
    files = _files(path_or_glob)
    cols = {"origin": origin, "destination": destination, "person": person, "date": date}
    frame = _run(backend, files, cols, period=period, count=count, threads=threads,
                 n_units=None if units is None else len(units), label=str(path_or_glob))
    if units is not None:
        frame = _decode_units(frame, units)
    frame["origin"] = frame["origin"].astype(str)
    frame["destination"] = frame["destination"].astype(str)
    frame["period"] = frame["period"].astype(str)
    frame["value"] = frame["value"].astype(float)
    frame = frame.sort_values(["period", "origin", "destination"]).reset_index(drop=True)
    return ODTable.from_frame(frame, kind=kind, value_kind=value_kind, file=Path(files[0]).name)


_RECORDS = Text("出行记录(Parquet 或 UTF-8 CSV)", "trip records (Parquet or UTF-8 CSV)")


def _engine_errors() -> tuple[type[BaseException], ...]:
    """Return the exceptions the engines raise for a file they cannot read."""
    import pyarrow as pa

    kinds: list[type[BaseException]] = [pa.ArrowException, ValueError, OSError, UnicodeDecodeError,
                                        pd.errors.ParserError]
    try:
        import duckdb

        kinds.append(duckdb.Error)
    except ImportError:  # pragma: no cover - duckdb is a dependency
        pass
    return tuple(kinds)


def _run(backend: str, files: list[str], cols: dict[str, str], *, period: str | None, count: str,
         threads: int | None, n_units: int | None, label: str) -> pd.DataFrame:
    """Aggregate with ``backend``; a file the engine cannot read, or no record, is a located problem."""
    from ..io.files import check_file, file_problem

    for f in files:
        check_file(f, what=_RECORDS)
    where: str | Path = Path(files[0]) if len(files) == 1 else label
    try:
        if backend == "duckdb":
            frame = _duckdb(files, cols, period=period, count=count, threads=threads, n_units=n_units)
        else:
            runner = {"pandas": _pandas, "spark": _spark}[backend]
            frame = runner(files, cols, period=period, count=count, threads=threads)
    except TongchengError:
        raise
    except _engine_errors() as exc:
        fix = Text("文件无法读取(编码不是 UTF-8、已损坏或被截断?);请另存为 Parquet 或 CSV UTF-8",
                   "the file cannot be read (not UTF-8, damaged or truncated?); save it again as "
                   "Parquet or CSV UTF-8")
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise file_problem(where, _RECORDS, fix, value=first) from exc
    if frame.empty:
        raise file_problem(where, _RECORDS, Text("没有出行记录(只有表头?);请检查导出的范围",
                                                 "no trip record (a header only?); check what was exported"),
                           row=2)
    return frame


def _decode_units(frame: pd.DataFrame, units: Sequence[str]) -> pd.DataFrame:
    """Replace unit indices in ``origin`` and ``destination`` by the codes they index."""
    codes = np.asarray([str(u) for u in units], dtype=object)
    for col in ("origin", "destination"):
        raw = frame[col].to_numpy()
        if raw.dtype.kind in "iu":
            bad = (raw < 0) | (raw >= len(codes))
        else:
            num = pd.to_numeric(frame[col], errors="coerce").to_numpy(dtype=float)
            bad = ~np.isfinite(num) | (num < 0) | (num >= len(codes)) | (num != np.round(num))
            raw = np.where(bad, 0, num)
        if bad.any():
            msg = (f"{col} holds {frame[col].to_numpy()[bad][0]!r}, not an index into units "
                   f"(0 … {len(codes) - 1}); drop units= if the records hold the codes themselves")
            raise DataError(msg)
        frame[col] = codes[raw.astype(np.int64)]
    return frame


def _missing(have: list[str], cols: dict[str, str], *, period: str | None, count: str,
             files: list[str]) -> None:
    need = [cols["origin"], cols["destination"]]
    if count == "distinct":
        need.append(cols["person"])
    if period is None:
        need.append(cols["date"])
    gone = [c for c in need if c not in have]
    if gone:
        name = Path(files[0]).name if len(files) == 1 else f"{Path(files[0]).name} (+{len(files) - 1})"
        problems = [Problem(file=name, row=1, column=c, value=None,
                            expected=Text(f"出行记录的列 {c!r}", f"a column {c!r} of the trip records"),
                            fix=Text(f"现有列为 {have};用 --origin、--destination、--person、--date 指定列名"
                                     "(或给出 --period)",
                                     f"the records have {have}; name the columns with --origin, "
                                     "--destination, --person, --date (or give --period)"))
                    for c in gone]
        raise ValidationError(problems, summary=Text(f"{name}: 出行记录缺少列 {gone}",
                                                     f"{name}: trip records lack column(s) {gone}"))


def _indices_below(con: duckdb.DuckDBPyConnection, files: list[str], columns: list[str],
                   n: int, *, no_nulls: list[str]) -> bool:
    """Whether the Parquet footers prove ``0 <= value < n`` in ``columns`` and no nulls."""
    listed = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
    rows = con.execute(
        "SELECT path_in_schema, count(*), count(TRY_CAST(stats_min_value AS BIGINT)), "
        "count(TRY_CAST(stats_max_value AS BIGINT)), "
        "min(TRY_CAST(stats_min_value AS BIGINT)), max(TRY_CAST(stats_max_value AS BIGINT)), "
        "count(stats_null_count), sum(stats_null_count) "
        f"FROM parquet_metadata([{listed}]) GROUP BY path_in_schema").fetchall()
    meta = {r[0]: r[1:] for r in rows}
    for col in columns:
        chunks, n_min, n_max, lo, hi, _, _ = meta.get(col, (0, 0, 0, None, None, 0, 0))
        if not chunks or n_min < chunks or n_max < chunks or lo is None or hi is None or lo < 0 or hi >= n:
            return False
    for col in no_nulls:
        chunks, *_, n_null_stats, nulls = meta.get(col, (0, 0, 0, None, None, 0, 0))
        if not chunks or n_null_stats < chunks or nulls:
            return False
    return True


def _duckdb_query(con: duckdb.DuckDBPyConnection, files: list[str], cols: dict[str, str], *,
                  period: str | None, count: str, n_units: int | None = None) -> tuple[str, list[str]]:
    """Return the SQL (and its parameters) that aggregates ``files`` on connection ``con``.

    With ``n_units`` (origin and destination are indices ``0 … n_units-1``, which the Parquet
    footers must prove) the query groups on one integer, ``(year·n + origin)·n + destination``,
    and splits it again on the result rows: with the files' statistics DuckDB then aggregates
    into a flat array of ``2 · n²`` slots per year instead of ``2^(bits of each key)``.
    """
    parquet = files[0].lower().endswith(".parquet")
    reader = "read_parquet" if parquet else "read_csv_auto"

    def lit(f: str) -> str:
        return "'" + f.replace("'", "''") + "'"

    def q(name: str) -> str:
        return '"' + name.replace('"', '""') + '"'

    listed = ", ".join(map(lit, files))
    con.execute(f"CREATE OR REPLACE TEMP VIEW trips AS SELECT * FROM {reader}([{listed}])")
    have = [r[0] for r in con.execute("DESCRIBE trips").fetchall()]
    _missing(have, cols, period=period, count=count, files=files)
    need = [cols["origin"], cols["destination"]]
    need += [cols["person"]] if count == "distinct" else []
    need += [cols["date"]] if period is None else []
    if parquet and 1 < len(files) <= _MAX_UNION_FILES:
        # one scan per file keeps each file's min/max statistics, which DuckDB needs to
        # pick its array aggregate for small integer keys (a multi-file scan has none)
        picked = ", ".join(map(q, need))
        source = "(" + " UNION ALL ".join(f"SELECT {picked} FROM read_parquet({lit(f)})" for f in files) + ")"
    else:
        source = "trips"
    o, d = q(cols["origin"]), q(cols["destination"])
    per = "?" if period is not None else f"year(CAST({q(cols['date'])} AS DATE))"
    val = f"count(DISTINCT {q(cols['person'])})" if count == "distinct" else "count(*)"
    params = [period] if period is not None else []
    n = n_units or 0
    if (parquet and 0 < n <= _MAX_PACKED_UNITS
            and _indices_below(con, files, [cols["origin"], cols["destination"]], n,
                               no_nulls=[cols["date"]] if period is None else [])):
        pack = f"(CAST({o} AS BIGINT) * {n} + {d})" if period is not None else \
            f"((CAST({per} AS BIGINT) * {n} + {o}) * {n} + {d})"
        per_out = "?" if period is not None else f"k // {n * n}"
        sql = (f"SELECT (k // {n}) % {n} AS origin, k % {n} AS destination, {per_out} AS period, value "
               f"FROM (SELECT {pack} AS k, {val} AS value FROM {source} GROUP BY k)")
        return sql, params
    # group on the raw columns (integers stay integers); aggregate_trips casts the result
    sql = (f"SELECT {o} AS origin, {d} AS destination, {per} AS period, {val} AS value "
           f"FROM {source} GROUP BY ALL")
    return sql, params


def _duckdb_connect(threads: int | None) -> duckdb.DuckDBPyConnection:
    """Return a DuckDB connection set up for aggregating trip records."""
    try:
        import duckdb
    except ImportError as exc:  # pragma: no cover
        msg = "the duckdb backend needs duckdb: pip install duckdb"
        raise ImportError(msg) from exc
    con = duckdb.connect()
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    con.execute(f"SET perfect_ht_threshold = {_PERFECT_HT_BITS}")
    con.execute("SET preserve_insertion_order = false")
    return con


def _duckdb(files: list[str], cols: dict[str, str], *, period: str | None, count: str,
            threads: int | None, n_units: int | None = None) -> pd.DataFrame:
    con = _duckdb_connect(threads)
    try:
        sql, params = _duckdb_query(con, files, cols, period=period, count=count, n_units=n_units)
        return con.execute(sql, params).df()
    finally:
        con.close()


def _pandas(files: list[str], cols: dict[str, str], *, period: str | None, count: str,
            threads: int | None) -> pd.DataFrame:
    del threads
    need = [cols["origin"], cols["destination"]]
    if count == "distinct":
        need.append(cols["person"])
    if period is None:
        need.append(cols["date"])
    if files[0].lower().endswith(".parquet"):
        import pyarrow as pa
        import pyarrow.compute as pc
        import pyarrow.parquet as pq

        have = pq.read_schema(files[0]).names
        _missing(have, cols, period=period, count=count, files=files)
        parts = []
        for f in files:  # only the needed columns; the year as int16 per file, not per frame
            table = pq.read_table(f, columns=need)
            if period is None:
                day = table[cols["date"]]
                if not pa.types.is_date(day.type) and not pa.types.is_timestamp(day.type):
                    day = pc.cast(day, pa.date32())
                table = table.drop_columns([cols["date"]]).append_column(
                    "period", pc.cast(pc.year(day), pa.int16()))
            parts.append(table)
        frame = pa.concat_tables(parts).to_pandas()
    else:
        frame = pd.concat([pd.read_csv(f) for f in files], ignore_index=True)
        _missing(list(frame.columns), cols, period=period, count=count, files=files)
        frame = frame[need]
        if period is None:
            frame["period"] = pd.to_datetime(frame[cols["date"]]).dt.year
    frame = frame.rename(columns={cols["origin"]: "origin", cols["destination"]: "destination"})
    if period is not None:
        frame["period"] = period
    keys = ["origin", "destination", "period"]
    grouped = frame.groupby(keys, sort=False, observed=True)
    if count == "distinct":
        out = grouped[cols["person"]].nunique()
    else:
        out = grouped.size()
    out = out.rename("value").reset_index()
    out["period"] = out["period"].astype(str)
    return out


def _spark(files: list[str], cols: dict[str, str], *, period: str | None, count: str,
           threads: int | None) -> pd.DataFrame:
    try:
        with warnings.catch_warnings():  # pyspark warns about pandas >= 3, which it does not use here
            warnings.simplefilter("ignore", FutureWarning)
            from pyspark.sql import SparkSession
            from pyspark.sql import functions as F
    except ImportError as exc:
        msg = "the spark backend needs pyspark (and Java 17+): pip install 'tongcheng[spark]'"
        raise ImportError(msg) from exc
    spark = SparkSession.getActiveSession()
    if spark is None:
        master = f"local[{threads}]" if threads else "local[*]"
        spark = (SparkSession.builder.master(master).appName("tongcheng-od")
                 .config("spark.ui.enabled", "false")
                 .config("spark.sql.shuffle.partitions", "8").getOrCreate())
    if files[0].lower().endswith(".parquet"):
        df = spark.read.parquet(*files)
    else:
        df = spark.read.option("header", "true").option("inferSchema", "true").csv(files)
    _missing(list(df.columns), cols, period=period, count=count, files=files)
    per = F.lit(period) if period is not None else F.year(F.to_date(F.col(cols["date"])))
    df = df.select(F.col(cols["origin"]).alias("origin"), F.col(cols["destination"]).alias("destination"),
                   per.alias("period"), *([F.col(cols["person"])] if count == "distinct" else []))
    grouped = df.groupBy("origin", "destination", "period")
    agg = (grouped.agg(F.countDistinct(cols["person"]).alias("value")) if count == "distinct"
           else grouped.agg(F.count(F.lit(1)).alias("value")))
    agg = agg.select(*(F.col(c).cast("string").alias(c) for c in ("origin", "destination", "period")),
                     "value")
    return pd.DataFrame([r.asDict() for r in agg.collect()],
                        columns=["origin", "destination", "period", "value"])
