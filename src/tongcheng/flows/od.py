"""Origin–destination tables: one validated long table of flows between units.

An :class:`ODTable` holds flows in the project's long shape ``origin, destination, value``
plus ``period``, ``kind`` (what flows: ``commuting``, ``migration``, …), ``value_kind``
(``sample`` — identified users of one data provider — or ``expanded`` — extrapolated
persons; the two are never mixed) and free-text ``flags`` (method breaks and the like).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .._errors import DataError, Problem, TongchengError, ValidationError
from .._text import Text

__all__ = [
    "KEY_COLUMNS",
    "OD_COLUMNS",
    "VALUE_KINDS",
    "ODTable",
    "antisymmetric_part",
    "symmetric_part",
]

VALUE_KINDS = ("sample", "expanded")
OD_COLUMNS = ("origin", "destination", "value", "period", "kind", "value_kind", "flags")
KEY_COLUMNS = ("origin", "destination", "period", "kind", "value_kind")
GROUP_COLUMNS = ["period", "kind", "value_kind"]
_TEXT = ("origin", "destination", "period", "kind", "value_kind")


def _text(values: pd.Series) -> pd.Series:
    """Return codes as stripped text; numbers read as floats lose a trailing ``.0``."""
    out = values.astype("string").str.strip()
    return out.str.replace(r"^(\d+)\.0$", r"\1", regex=True)


def _validate(frame: pd.DataFrame, *, file: str, sheet: str | None, row_offset: int,
              defaults: Mapping[str, str | None]) -> pd.DataFrame:
    """Check a raw frame and return it in the canonical shape, or raise every problem."""
    problems: list[Problem] = []
    frame = frame.copy()
    frame.columns = [str(c).strip() for c in frame.columns]
    for col in ("origin", "destination", "value"):
        if col not in frame.columns:
            problems.append(Problem(file, None, col, None,
                                    Text(f"名为 '{col}' 的列", f"a column named '{col}'"),
                                    Text(f"添加 '{col}' 列,或用 columns={{...}} 映射您的列名",
                                         f"add a '{col}' column or map yours with columns={{...}}"), sheet))
    for col in ("period", "kind", "value_kind"):
        if col not in frame.columns:
            if defaults.get(col) is None:
                problems.append(Problem(file, None, col, None,
                                        Text(f"列 '{col}' 或 {col}= 选项(命令行为 --{col.replace('_', '-')})",
                                             f"a column '{col}' or the {col}= option"),
                                        Text(f"添加该列,或读取时给出 {col}=...",
                                             f"add the column or pass {col}=... when reading"), sheet))
            else:
                frame[col] = defaults[col]
    if problems:
        where = file or "input"
        raise ValidationError(problems, summary=Text(f"{file or '输入'} 缺少 {len(problems)} 列",
                                                     f"{len(problems)} missing column(s) in {where}"))
    if "flags" not in frame.columns:
        frame["flags"] = ""
    rows = pd.Series(np.arange(len(frame)) + row_offset, index=frame.index)

    def bad(mask: pd.Series, column: str, expected: Text, fix: Text) -> None:
        for idx in frame.index[mask.fillna(True).to_numpy(dtype=bool)]:
            raw = frame.at[idx, column]
            problems.append(Problem(file, int(rows[idx]), column, None if pd.isna(raw) else str(raw),
                                    expected, fix, sheet))

    for col in _TEXT:
        frame[col] = _text(frame[col])
        bad(frame[col].isna() | (frame[col] == ""), col,
            Text("非空的代码或标签", "a non-empty code or label"),
            Text(f"填写 {col}", f"fill in the {col}"))
    value = pd.to_numeric(frame["value"], errors="coerce")
    bad(value.isna(), "value", Text("数值", "a number"),
        Text("流量请写成纯数字(不带单位或千位分隔符)",
             "write the flow as a plain number (no units or commas)"))
    bad(value.notna() & ((value < 0) | ~np.isfinite(value)), "value",
        Text("≥ 0 的有限数", "a finite number ≥ 0"),
        Text("流量不能为负", "flows cannot be negative"))
    frame["value"] = value.astype(float)
    known = frame["value_kind"].isin(VALUE_KINDS)
    bad(frame["value_kind"].notna() & ~known, "value_kind",
        Text("'sample' 或 'expanded'", "'sample' or 'expanded'"),
        Text("单一数据商识别到的用户用 'sample',扩样后的人数用 'expanded'",
             "use 'sample' for identified users of one provider, 'expanded' for extrapolated persons"))
    frame["flags"] = frame["flags"].astype("string").fillna("").astype(str)
    dup = frame.duplicated(list(KEY_COLUMNS), keep="first") & frame[list(KEY_COLUMNS)].notna().all(axis=1)
    bad(dup, "destination", Text("每个起点、终点、时期、类型和 value_kind 只有一行",
                                 "one row per origin, destination, period, kind and value_kind"),
        Text("删除重复行,或把它们加总", "remove or add up the repeated row"))
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise ValidationError(problems)
    out = frame[list(OD_COLUMNS)].reset_index(drop=True)
    for col in _TEXT:
        out[col] = out[col].astype(str)
    return out


_OMX_FILE = Text("OpenMatrix 矩阵文件(.omx)", "an OpenMatrix file (.omx)")
_OD_FILE = Text("OD 表(起点、终点、流量;.csv、.parquet 或 .xlsx)",
                "an OD table (origin, destination, value; .csv, .parquet or .xlsx)")

@dataclass(frozen=True)
class ODTable:
    """A validated long table of flows.

    Build it with :meth:`from_frame`, :meth:`read` (CSV, Parquet, Excel) or
    :meth:`from_omx`; never by hand, so that ``data`` is always valid.

    Attributes
    ----------
    data
        Columns ``origin, destination, value, period, kind, value_kind, flags``; one row
        per origin, destination, period, kind and value kind. Intra-unit flows
        (``origin == destination``) are allowed and are reported as ``intra``.
    """

    data: pd.DataFrame

    # ----------------------------------------------------------------- building
    @classmethod
    def from_frame(cls, frame: pd.DataFrame, *, period: str | None = None, kind: str | None = None,
                   value_kind: str | None = None, columns: Mapping[str, str] | None = None,
                   file: str = "", sheet: str | None = None) -> ODTable:
        """Validate a long frame; ``period``, ``kind`` and ``value_kind`` fill missing columns.

        Raises
        ------
        ValidationError
            Listing every problem with its row (header = row 1) and column.
        """
        if columns:
            frame = frame.rename(columns=dict(columns))
        data = _validate(frame, file=file, sheet=sheet, row_offset=2,
                         defaults={"period": period, "kind": kind, "value_kind": value_kind})
        return cls(data)

    @classmethod
    def read(cls, path: str | Path, *, period: str | None = None, kind: str | None = None,
             value_kind: str | None = None, columns: Mapping[str, str] | None = None,
             sheet: str | None = None) -> ODTable:
        """Read a long OD table from CSV (UTF-8), Parquet or Excel (``.xlsx``).

        Raises
        ------
        ValidationError
            Every problem, located by file, sheet, row and column; a file that is missing,
            empty, of another type, not UTF-8 or damaged (see
            :func:`tongcheng.io.files.read_frame`).
        """
        from ..io.files import TABLE_AND_EXCEL_SUFFIXES, read_frame

        path = Path(path)
        suffix = path.suffix.lower()
        raw = read_frame(path, what=_OD_FILE, suffixes=TABLE_AND_EXCEL_SUFFIXES, sheet=sheet)
        return cls.from_frame(raw, period=period, kind=kind, value_kind=value_kind, columns=columns,
                              file=path.name, sheet=sheet if suffix.startswith(".xls") else None)

    @classmethod
    def from_matrix(cls, matrix: pd.DataFrame, *, period: str, kind: str, value_kind: str,
                    drop_zero: bool = True) -> ODTable:
        """Build a table from a square matrix (rows = origins, columns = destinations)."""
        long = matrix.rename_axis(index="origin", columns="destination").stack().rename("value")
        frame = long.reset_index()
        if drop_zero:
            frame = frame[frame["value"] != 0]
        return cls.from_frame(frame, period=period, kind=kind, value_kind=value_kind)

    @classmethod
    def from_omx(cls, path: str | Path, *, matrix: str, period: str, kind: str, value_kind: str,
                 mapping: str | None = None) -> ODTable:
        """Read one matrix of an OpenMatrix (OMX) file (needs the optional ``openmatrix``).

        Parameters
        ----------
        path
            The ``.omx`` file.
        matrix
            Name of the matrix inside the file.
        period, kind, value_kind
            Labels of the flows.
        mapping
            Name of the OMX mapping that gives zone codes; zone numbers 1…n if ``None``.

        Raises
        ------
        ImportError
            If ``openmatrix`` is not installed.
        ValidationError
            If the file is missing, empty, damaged or truncated, not an OMX file, or the matrix
            is not square or larger than :data:`~tongcheng.io.files.MAX_TABLE_BYTES`
            (checked from its declared shape before it is read).
        DataError
            If the file has no such matrix.
        """
        try:
            import openmatrix as omx
        except ImportError as exc:  # pragma: no cover
            msg = "reading OMX needs the optional package openmatrix: pip install openmatrix"
            raise ImportError(msg) from exc
        import tables

        from ..io.files import MAX_TABLE_BYTES, check_file, file_problem

        path = check_file(path, what=_OMX_FILE)
        try:
            with omx.open_file(str(path), "r") as f:
                if matrix not in f.list_matrices():
                    msg = Text(f"{path.name} 中没有矩阵 {matrix!r};其中有 {f.list_matrices()}",
                               f"{path.name} has no matrix {matrix!r}; it has {f.list_matrices()}")
                    raise DataError(msg)
                node = f[matrix]
                size = int(np.prod(node.shape, dtype=np.float64)) * node.dtype.itemsize
                if len(node.shape) != 2 or node.shape[0] != node.shape[1] or size > MAX_TABLE_BYTES:
                    gib = MAX_TABLE_BYTES / 1024**3
                    raise file_problem(path, Text(f"不超过 {gib:.0f} GiB 的方阵",
                                                  f"a square matrix of at most {gib:.0f} GiB"),
                                       Text("检查矩阵,或拆分文件", "check the matrix, or split the file"),
                                       column=matrix,
                                       value=f"shape {tuple(int(n) for n in node.shape)} of {node.dtype}")
                values = np.asarray(node)
                codes = ([str(i + 1) for i in range(values.shape[0])] if mapping is None
                         else [str(c) for c in f.mapping(mapping)])
        except (OSError, tables.HDF5ExtError, tables.NoSuchNodeError, LookupError, ValueError) as exc:
            if isinstance(exc, TongchengError):
                raise
            raise file_problem(path, _OMX_FILE, Text("文件已损坏、被截断,或不是 OMX(HDF5)文件;请重新导出",
                                                     "the file is damaged, truncated or not an OMX (HDF5) "
                                                     "file; export it again"), value=str(exc)) from exc
        frame = pd.DataFrame(values, index=codes, columns=codes)
        return cls.from_matrix(frame, period=period, kind=kind, value_kind=value_kind)

    # ----------------------------------------------------------------- views
    def __len__(self) -> int:
        return len(self.data)

    def select(self, *, period: str | None = None, kind: str | None = None,
               value_kind: str | None = None) -> ODTable:
        """Return the rows of one period, kind and/or value kind."""
        rows = self.data
        for col, val in (("period", period), ("kind", kind), ("value_kind", value_kind)):
            if val is not None:
                rows = rows[rows[col] == val]
        return ODTable(rows.reset_index(drop=True))

    def relabel(self, groups: Mapping[str, str]) -> ODTable:
        """Return flows between groups of units (e.g. counties → cities), summed.

        Units missing from ``groups`` keep their own code.
        """
        frame = self.data.copy()
        for col in ("origin", "destination"):
            frame[col] = frame[col].map(lambda c: groups.get(c, c))
        summed = frame.groupby(list(KEY_COLUMNS), as_index=False, sort=True).agg(
            value=("value", "sum"), flags=("flags", _join_flags))
        return ODTable(summed[list(OD_COLUMNS)])

    def to_observations(self, *, indicator: str = "commuters", unit: str = "persons",
                        source: str = "") -> pd.DataFrame:
        """Return store observation rows (pair subjects ``"A>B"``) for :meth:`Store.record_import`.

        ``sample`` counts keep ``value_kind="sample"``; ``expanded`` counts are stored as
        ``"estimated"`` (the store's kind for extrapolated values). The ``kind`` column is not
        stored: use one indicator code per kind of flow.
        """
        d = self.data
        return pd.DataFrame({
            "indicator": indicator, "subject_kind": "pair",
            "subject_key": d["origin"] + ">" + d["destination"], "unit_code": d["origin"],
            "partner_code": d["destination"], "metro_code": None, "period": d["period"],
            "value": d["value"], "unit": unit,
            "value_kind": d["value_kind"].map({"sample": "sample", "expanded": "estimated"}),
            "source": source, "flags": d["flags"]})

    def totals(self) -> pd.DataFrame:
        r"""Outflow, inflow and intra-unit flow of every unit.

        .. math::

            O_i = \sum_{j \ne i} T_{ij}, \qquad I_j = \sum_{i \ne j} T_{ij}, \qquad
            R_i = T_{ii}

        Returns
        -------
        pandas.DataFrame
            Columns ``unit, period, kind, value_kind, outflow, inflow, intra``.
        """
        d = self.data
        cross = d[d["origin"] != d["destination"]]
        out = cross.groupby([*GROUP_COLUMNS, "origin"])["value"].sum().rename("outflow")
        inn = cross.groupby([*GROUP_COLUMNS, "destination"])["value"].sum().rename("inflow")
        intra = d[d["origin"] == d["destination"]].groupby([*GROUP_COLUMNS, "origin"])["value"].sum()
        out.index = out.index.set_names("unit", level=3)
        inn.index = inn.index.set_names("unit", level=3)
        intra.index = intra.index.set_names("unit", level=3)
        table = pd.concat([out, inn, intra.rename("intra")], axis=1).fillna(0.0)
        return table.reset_index()[["unit", *GROUP_COLUMNS, "outflow", "inflow", "intra"]]

    def to_matrix(self, *, units: Sequence[str] | None = None) -> pd.DataFrame:
        """Return a square matrix (rows origins, columns destinations), missing = 0.

        Raises
        ------
        DataError
            If the table holds more than one period, kind or value kind (select first).
        """
        d = self.data
        mixed = [c for c in GROUP_COLUMNS if d[c].nunique() > 1]
        if mixed:
            msg = Text(f"表中混合了多个 {'、'.join(mixed)};请先调用 .select(...),使一个矩阵只含一种流量",
                       f"the table mixes several {', '.join(mixed)}; call .select(...) first so that "
                       "one matrix holds one kind of flow")
            raise DataError(msg)
        codes = list(units) if units is not None else sorted(set(d["origin"]) | set(d["destination"]))
        mat = d.pivot_table(index="origin", columns="destination", values="value", aggfunc="sum")
        mat = mat.reindex(index=codes, columns=codes).fillna(0.0)
        return mat.rename_axis(index="origin", columns="destination")


def _join_flags(values: pd.Series) -> str:
    parts = sorted({p for v in values for p in str(v).split(";") if p})
    return ";".join(parts)


def symmetric_part(matrix: pd.DataFrame) -> pd.DataFrame:
    r"""Return the symmetric part of a flow matrix.

    .. math:: S = \tfrac12 (T + T^\top)

    The gross exchange between two units is :math:`2 S_{ij}`; see
    Tobler (1976) "Spatial interaction patterns", *Journal of Environmental Systems* 6(4).
    """
    _square(matrix)
    return (matrix + matrix.T.loc[matrix.index, matrix.columns]) / 2


def antisymmetric_part(matrix: pd.DataFrame) -> pd.DataFrame:
    r"""Return the antisymmetric (net-flow) part of a flow matrix.

    .. math:: A = \tfrac12 (T - T^\top), \qquad T = S + A

    :math:`2 A_{ij}` is the net flow from *i* to *j* (Tobler 1976).
    """
    _square(matrix)
    return (matrix - matrix.T.loc[matrix.index, matrix.columns]) / 2


def _square(matrix: pd.DataFrame) -> None:
    if list(matrix.index) != list(matrix.columns):
        msg = "the matrix must be square with the same codes, in the same order, on rows and columns"
        raise DataError(msg)
