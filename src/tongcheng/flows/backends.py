"""Aggregate record-level trips (one row per person and day) to an OD table.

One function, :func:`aggregate_trips`, three engines: DuckDB in process (the default,
streams Parquet and uses every core), pandas (reference, in memory) and Apache Spark
(``pyspark`` in local mode, or any cluster the session points to). All three return the
same :class:`~tongcheng.flows.od.ODTable`, row for row.
"""

from __future__ import annotations

import glob as _glob
import warnings
from pathlib import Path
from typing import Literal

import pandas as pd

from .._errors import DataError
from .od import ODTable

__all__ = ["BACKENDS", "aggregate_trips"]

BACKENDS = ("duckdb", "pandas", "spark")
Backend = Literal["duckdb", "pandas", "spark"]
Count = Literal["distinct", "records"]


def _files(path_or_glob: str | Path) -> list[str]:
    text = str(path_or_glob)
    path = Path(text)
    if path.is_dir():
        files = sorted(str(p) for p in path.rglob("*.parquet"))
    else:
        files = sorted(_glob.glob(text))
    if not files:
        msg = f"no file matches {text!r}; give a Parquet/CSV file, a folder of Parquet files or a glob"
        raise DataError(msg)
    suffixes = {Path(f).suffix.lower() for f in files}
    if len(suffixes) > 1 or not suffixes <= {".parquet", ".csv"}:
        msg = f"trip files must all be .parquet or all be .csv; got {sorted(suffixes)}"
        raise DataError(msg)
    return files


def aggregate_trips(  # noqa: PLR0913  (keyword-only column names and labels)
        path_or_glob: str | Path, *, backend: Backend = "duckdb", origin: str = "home_unit",
        destination: str = "work_unit", person: str = "id", date: str = "date",
        period: str | None = None, count: Count = "distinct", kind: str = "commuting",
        value_kind: str = "sample", threads: int | None = None) -> ODTable:
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

    Returns
    -------
    ODTable
        Sorted by period, origin and destination.

    Raises
    ------
    DataError
        If no file matches, a column is missing or the backend is unknown.
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
    runner = {"duckdb": _duckdb, "pandas": _pandas, "spark": _spark}[backend]
    frame = runner(files, cols, period=period, count=count, threads=threads)
    frame["origin"] = frame["origin"].astype(str)
    frame["destination"] = frame["destination"].astype(str)
    frame["period"] = frame["period"].astype(str)
    frame["value"] = frame["value"].astype(float)
    frame = frame.sort_values(["period", "origin", "destination"]).reset_index(drop=True)
    return ODTable.from_frame(frame, kind=kind, value_kind=value_kind, file=Path(files[0]).name)


def _missing(have: list[str], cols: dict[str, str], *, period: str | None, count: str) -> None:
    need = [cols["origin"], cols["destination"]]
    if count == "distinct":
        need.append(cols["person"])
    if period is None:
        need.append(cols["date"])
    gone = [c for c in need if c not in have]
    if gone:
        msg = f"trip records lack column(s) {gone}; they have {have}. Map them with origin=, destination=, …"
        raise DataError(msg)


def _duckdb(files: list[str], cols: dict[str, str], *, period: str | None, count: str,
            threads: int | None) -> pd.DataFrame:
    try:
        import duckdb
    except ImportError as exc:  # pragma: no cover
        msg = "the duckdb backend needs duckdb: pip install duckdb"
        raise ImportError(msg) from exc
    con = duckdb.connect()
    try:
        if threads:
            con.execute(f"SET threads = {int(threads)}")
        reader = "read_parquet" if files[0].lower().endswith(".parquet") else "read_csv_auto"
        listed = ", ".join("'" + f.replace("'", "''") + "'" for f in files)
        con.execute(f"CREATE VIEW trips AS SELECT * FROM {reader}([{listed}])")
        have = [r[0] for r in con.execute("DESCRIBE trips").fetchall()]
        _missing(have, cols, period=period, count=count)

        def q(name: str) -> str:
            return '"' + name.replace('"', '""') + '"'

        per = "?" if period is not None else f"year(CAST({q(cols['date'])} AS DATE))"
        val = f"count(DISTINCT {q(cols['person'])})" if count == "distinct" else "count(*)"
        # group on the raw columns (integers stay integers) and cast the few result rows
        sql = (f"SELECT CAST(o AS VARCHAR) AS origin, CAST(d AS VARCHAR) AS destination, "
               f"CAST(p AS VARCHAR) AS period, value FROM (SELECT {q(cols['origin'])} AS o, "
               f"{q(cols['destination'])} AS d, {per} AS p, {val} AS value FROM trips GROUP BY ALL)")
        params = [period] if period is not None else []
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
        import pyarrow.parquet as pq

        have = pq.read_schema(files[0]).names
        _missing(have, cols, period=period, count=count)
        frame = pd.concat([pq.read_table(f, columns=need).to_pandas(date_as_object=False)
                           for f in files], ignore_index=True)
    else:
        frame = pd.concat([pd.read_csv(f) for f in files], ignore_index=True)
        _missing(list(frame.columns), cols, period=period, count=count)
        frame = frame[need]
    frame = frame.rename(columns={cols["origin"]: "origin", cols["destination"]: "destination"})
    if period is None:
        frame["period"] = pd.to_datetime(frame[cols["date"]]).dt.year  # text after grouping
    else:
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
    _missing(df.columns, cols, period=period, count=count)
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
