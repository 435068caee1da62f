"""The indicator tree of a composite index, and the units it scores.

A :class:`Framework` is the canonical model of an index structure: indicators (level 1) grouped
into aggregates level by level up to one root. It is validated once, when built; every problem is
collected and reported together, located by file, row and column. COINr's ``iMeta`` table is read
directly (:meth:`Framework.from_coinr_imeta`), as are our own CSV and YAML layouts.

Units are keyed by strings: a plain code (a city), a pair ``"A>B"`` (an edge between two units,
directed, or symmetric when ``symmetric=True``) or a group code (a metropolitan area) whose rows
are produced from member rows by :func:`roll_up`.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd
import yaml

from .._errors import DataError, Problem, ValidationError
from .._text import Text
from .recipe import load_yaml, read_csv_table, read_utf8

__all__ = ["Framework", "Node", "UnitSet", "pair_key", "roll_up"]

# our column name -> accepted spellings (COINr iMeta names included)
_ALIASES: dict[str, tuple[str, ...]] = {
    "code": ("code", "iCode"),
    "name_zh": ("name_zh",),
    "name_en": ("name_en", "iName", "name"),
    "level": ("level", "Level"),
    "parent": ("parent", "Parent"),
    "direction": ("direction", "Direction"),
    "weight": ("weight", "Weight"),
    "denominator": ("denominator", "Denominator"),
    "target": ("target", "Target"),
    "target_low": ("target_low",),
    "target_high": ("target_high",),
    "unit": ("unit", "Unit"),
    "kind": ("kind", "Type"),
}


@dataclass(frozen=True)
class Node:
    """One element of the tree: an indicator (level 1) or an aggregate (level ≥ 2)."""

    code: str
    level: int
    parent: str | None = None
    name_zh: str = ""
    name_en: str = ""
    direction: int = 1
    weight: float = 1.0
    denominator: str | None = None
    target: float | None = None
    target_low: float | None = None
    target_high: float | None = None
    unit: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Return the node as a plain dict (YAML/JSON friendly)."""
        return {k: v for k, v in asdict(self).items() if v not in (None, "")}


def _blank(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value.strip() in ("", "NA", "nan")


class Framework:
    """A validated indicator tree.

    Parameters
    ----------
    nodes
        All nodes, in display order (indicators first is usual but not required).
    source
        Name of the file the nodes came from, used to locate problems.
    rows
        1-based spreadsheet row of each node (header = row 1), used to locate problems.

    Raises
    ------
    ValidationError
        Listing every problem: duplicate codes, unknown parents (orphans), cycles, levels that do
        not step up by one from child to parent, several roots, directions other than ±1,
        negative or non-finite weights, inverted target bands.

    Examples
    --------
    >>> fw = Framework([Node("a", 1, "X"), Node("b", 1, "X", direction=-1), Node("X", 2)])
    >>> fw.indicators, fw.root
    (['a', 'b'], 'X')
    >>> fw.effective_weights().to_dict()
    {'a': 0.5, 'b': 0.5, 'X': 1.0}
    """

    def __init__(self, nodes: Sequence[Node], *, source: str = "",
                 rows: Sequence[int | None] | None = None,
                 weight_sets: Mapping[str, Mapping[str, float]] | None = None) -> None:
        self.source = source
        rows = list(rows) if rows is not None else [None] * len(nodes)
        problems = self._validate(list(nodes), rows)
        if problems:
            raise ValidationError(problems, summary=_summary(source, len(problems)))
        self.nodes: dict[str, Node] = {n.code: n for n in nodes}
        self.rows: dict[str, int | None] = {n.code: r for n, r in zip(nodes, rows, strict=True)}
        """Spreadsheet row (header = 1) of each code in the file it was read from, if known."""
        self.weight_sets: dict[str, dict[str, float]] = {}
        for name, ws in (weight_sets or {}).items():
            self.add_weight_set(name, ws)

    # -- construction -------------------------------------------------------------------------
    @classmethod
    def from_table(cls, table: pd.DataFrame, *, source: str = "") -> Framework:
        """Build from a table in our column names or COINr's ``iMeta`` names.

        Rows whose COINr ``Type`` is neither ``Indicator`` nor ``Aggregate`` (groups,
        denominators) are not part of the tree and are skipped.
        """
        cols = {ours: next((c for c in names if c in table.columns), None)
                for ours, names in _ALIASES.items()}
        problems = [Problem(source, None, col, None,
                            Text("名为 " + " 或 ".join(_ALIASES[col]) + " 的列",
                                 "a column named " + " or ".join(_ALIASES[col])),
                            _missing_fix(col, table.columns))
                    for col in ("code", "level") if cols[col] is None]
        known = {a for names in _ALIASES.values() for a in names} | {"Type", "kind"}
        for col in map(str, table.columns):
            close = difflib.get_close_matches(col, sorted(known), n=1, cutoff=0.8)
            if col not in known and not col.startswith("weight_") and close:
                problems.append(Problem(source, 1, col, col, Text("已知的列名", "a known column name"),
                                        Text(f"改为 {close[0]}",
                                             f"did you mean {close[0]}? rename the column")))
        if problems:
            raise ValidationError(problems, summary=_summary(source, len(problems)))
        nodes: list[Node] = []
        rows: list[int | None] = []
        for i, rec in enumerate(table.to_dict("records")):
            row = i + 2
            kind = rec.get(cols["kind"]) if cols["kind"] else None
            if not _blank(kind) and str(kind) not in ("Indicator", "Aggregate", "indicator", "aggregate"):
                continue
            get = {k: (None if c is None or _blank(rec.get(c)) else rec.get(c)) for k, c in cols.items()}
            found = _record_problems(get, cols, row, source)
            if found:
                problems += found
                continue
            nodes.append(_node_from_record(get))
            rows.append(row)
        if not nodes and not problems:
            problems.append(Problem(source, None, cols["code"], None,
                                    Text("至少一行指标及其上级", "at least one indicator and its parent"),
                                    Text("每行一个指标或分组: code, level, parent …",
                                         "one row per indicator or group: code, level, parent …")))
        if problems:
            raise ValidationError(problems, summary=_summary(source, len(problems)))
        sets = {}
        for col in table.columns:
            if str(col).startswith("weight_"):
                values = pd.to_numeric(table[col], errors="coerce")
                keep = table[cols["code"]].astype(str).isin([n.code for n in nodes]) & values.notna()
                sets[str(col)[len("weight_"):]] = dict(zip(table.loc[keep, cols["code"]].astype(str),
                                                           values[keep].astype(float), strict=True))
        return cls(nodes, source=source, rows=rows, weight_sets=sets)

    @classmethod
    def from_coinr_imeta(cls, path: str | Path) -> Framework:
        """Read COINr's ``iMeta`` CSV (iCode, iName, Level, Parent, Direction, Weight, Type, …)."""
        name = Path(path).name
        return cls.from_table(read_csv_table(Path(path), summary=_summary(name, 1)), source=name)

    @classmethod
    def from_csv(cls, path: str | Path) -> Framework:
        """Read a CSV in our column names (``code, level, parent, direction, weight, …``) or COINr's.

        Raises
        ------
        ValidationError
            The file is not a readable CSV (encoding, quoting, empty) or its rows break the
            rules of the tree (every problem, located by row and column).
        """
        name = Path(path).name
        return cls.from_table(read_csv_table(Path(path), summary=_summary(name, 1)), source=name)

    @classmethod
    def from_yaml(cls, path: str | Path) -> Framework:
        """Read YAML: ``{nodes: [{code: …, level: …, parent: …}, …]}`` or a bare list of nodes.

        Raises
        ------
        ValidationError
            Malformed YAML (with its line), a document that is not a list of nodes, or any
            problem of the tree.
        """
        name = Path(path).name
        doc = load_yaml(read_utf8(Path(path), summary=_summary(name, 1)), source=name,
                        summary=_summary(name, 1))
        items = doc.get("nodes") if isinstance(doc, dict) else doc
        if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
            raise ValidationError([Problem(name, None, "nodes", None,
                                           Text("节点列表: nodes: [{code: …, level: …, parent: …}, …]",
                                                "a list: nodes: [{code: …, level: …, parent: …}, …]"),
                                           Text("每个节点写成一项 - code: …",
                                                "write one '- code: …' item per node"))],
                                  summary=_summary(name, 1))
        return cls.from_table(pd.DataFrame(items), source=name)

    @classmethod
    def read(cls, path: str | Path) -> Framework:
        """Read a framework file, choosing the reader by suffix (``.yaml``/``.yml`` or CSV)."""
        if str(path).lower().endswith((".yaml", ".yml")):
            return cls.from_yaml(path)
        return cls.from_csv(path)

    def to_table(self) -> pd.DataFrame:
        """Return the nodes as a table in our column names."""
        return pd.DataFrame([asdict(n) for n in self.nodes.values()])

    def to_yaml(self, path: str | Path) -> None:
        """Write the framework as YAML readable by :meth:`from_yaml`."""
        doc = {"nodes": [n.to_dict() for n in self.nodes.values()]}
        Path(path).write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")

    # -- validation ---------------------------------------------------------------------------
    def _validate(self, nodes: list[Node], rows: list[int | None]) -> list[Problem]:
        src = self.source
        problems: list[Problem] = []
        seen: dict[str, int | None] = {}
        for node, row in zip(nodes, rows, strict=True):
            if node.code in seen:
                problems.append(Problem(src, row, "code", node.code, Text("唯一的代码", "a unique code"),
                                        Text(f"改名; 第 {seen[node.code]} 行也用了它",
                                             f"rename it; it is also on row {seen[node.code]}")))
            seen.setdefault(node.code, row)
            problems += _node_problems(node, row, src)
        by_code = {n.code: (n, r) for n, r in zip(nodes, rows, strict=True)}
        problems += _link_problems(nodes, rows, by_code, src)
        problems += _cycles(by_code, src)
        roots = [n for n in nodes if n.parent is None]
        if len(roots) != 1 and nodes:
            problems.append(Problem(src, None, "parent", ", ".join(n.code for n in roots) or "none",
                                    Text("恰好一个根(只有一行没有上级)",
                                         "exactly one root (one row without a parent)"),
                                    Text("除指数本身外, 每行都填写上级",
                                         "give every node but the index a parent")))
        return problems

    # -- queries ------------------------------------------------------------------------------
    @property
    def indicators(self) -> list[str]:
        """Codes of the indicators (level 1), in framework order."""
        return [c for c, n in self.nodes.items() if n.level == 1]

    @property
    def levels(self) -> list[int]:
        """The levels present, ascending."""
        return sorted({n.level for n in self.nodes.values()})

    @property
    def root(self) -> str:
        """Code of the root (the index)."""
        return next(c for c, n in self.nodes.items() if n.parent is None)

    def children(self, code: str) -> list[str]:
        """Codes whose parent is ``code``, in framework order."""
        if code not in self.nodes:
            known = ", ".join(self.nodes)
            raise DataError(Text(f"指标体系中没有「{code}」; 已有代码: {known}",
                                 f"'{code}' is not in the framework; known codes: {known}"))
        return [c for c, n in self.nodes.items() if n.parent == code]

    def codes_at(self, level: int) -> list[str]:
        """Codes at ``level``: framework order for indicators, sorted (as COINr) for aggregates."""
        codes = [c for c, n in self.nodes.items() if n.level == level]
        return codes if level == 1 else sorted(codes, key=lambda s: (s.casefold(), s))

    def coinr_order(self) -> list[str]:
        """All codes in COINr's aggregated-data column order (indicators, then level by level)."""
        return [c for lev in self.levels for c in self.codes_at(lev)]

    def directions(self) -> pd.Series:
        """Direction (+1/−1) of each indicator."""
        return pd.Series({c: self.nodes[c].direction for c in self.indicators}, name="direction")

    def weights(self, name: str | None = None) -> pd.Series:
        """Weight of every node (relative within its parent): the nominal ones or a named set.

        Parameters
        ----------
        name
            A weight set added with :meth:`add_weight_set` or read from a ``weight_<name>``
            column of the framework table; nodes the set does not mention keep their nominal
            weight. ``None`` gives the nominal weights.

        Raises
        ------
        DataError
            If no weight set has that name (the message lists them).
        """
        nominal = pd.Series({c: n.weight for c, n in self.nodes.items()}, name="weight", dtype=float)
        if name is None:
            return nominal
        if name not in self.weight_sets:
            known = ", ".join(sorted(self.weight_sets)) or "none"
            raise DataError(Text(f"没有名为 {name!r} 的权重组; 指标体系中有: {known}",
                                 f"no weight set named {name!r}; the framework has: {known}"))
        out = nominal.copy()
        for code, w in self.weight_sets[name].items():
            out[code] = w
        return out.rename(f"weight_{name}")

    def add_weight_set(self, name: str, weights: Mapping[str, float]) -> None:
        """Add (or replace) a named weight set, e.g. ``"expert"``, ``"pca"`` or ``"entropy"``.

        Raises
        ------
        DataError
            If a code is not in the framework or a weight is negative or not finite.
        """
        bad = [c for c in weights if c not in self.nodes]
        wrong = [c for c, w in weights.items() if not np.isfinite(w) or w < 0]
        if bad or wrong:
            msg = Text(f"权重组 {name!r}: 未知代码 {bad[:5]}, 负的或非有限的权重 {wrong[:5]}; "
                       "请用指标体系中的代码和 ≥ 0 的权重",
                       f"weight set {name!r}: unknown code(s) {bad[:5]} and negative or non-finite "
                       f"weight(s) for {wrong[:5]}; use codes of the framework and weights ≥ 0")
            raise DataError(msg)
        self.weight_sets[name] = {c: float(w) for c, w in weights.items()}

    def denominators(self) -> dict[str, str | None]:
        """Denominator column named for each indicator (``None`` when not denominated)."""
        return {c: self.nodes[c].denominator for c in self.indicators}

    def lineage(self, code: str) -> list[str]:
        """``code`` and its ancestors up to the root."""
        out = [code]
        while (parent := self.nodes[out[-1]].parent) is not None:
            out.append(parent)
        return out

    def effective_weights(self, weights: Mapping[str, float] | pd.Series | None = None) -> pd.Series:
        r"""Return each node's effective weight in the root.

        .. math:: w^{\mathrm{eff}}_i = \prod_{j \in \mathrm{lineage}(i)} \frac{w_j}{\sum_{k \in
                  \mathrm{siblings}(j)} w_k}

        The root's effective weight is 1; weights are normalised within each parent, so the
        effective weights of the nodes of one level sum to one. This is COINr's
        ``get_eff_wts()`` (Becker et al. 2022, COINr, JRC).

        Parameters
        ----------
        weights
            Weights to use instead of the framework's (missing codes keep the framework weight).
        """
        w = self.weights()
        if weights is not None:
            w.update(pd.Series(weights, dtype=float))
        share: dict[str, float] = {}
        for code, node in self.nodes.items():
            if node.parent is None:
                share[code] = 1.0
                continue
            sibs = [c for c, n in self.nodes.items() if n.parent == node.parent]
            total = float(w[sibs].sum())
            share[code] = float(w[code]) / total if total > 0 else math.nan
        out = {c: float(np.prod([share[a] for a in self.lineage(c)])) for c in self.nodes}
        return pd.Series(out, name="effective_weight")

    def __repr__(self) -> str:
        return (f"Framework({len(self.indicators)} indicators, levels {self.levels}, "
                f"root {self.root!r})")


_NUMERIC = ("level", "direction", "weight", "target", "target_low", "target_high")


def _record_problems(get: dict[str, Any], cols: dict[str, str | None], row: int, src: str) -> list[Problem]:
    """Problems of one row before it becomes a node: blank code or level, text in number columns."""
    problems = []
    for key in ("code", "level"):
        if get[key] is None:
            problems.append(Problem(src, row, cols[key], None, Text("非空的值", "a value"),
                                    Text("填写代码与层级(指标为 1)",
                                         "fill the code and the level (1 for indicators)")))
    for key in _NUMERIC:
        if get[key] is None:
            continue
        try:
            number = float(get[key])
        except (TypeError, ValueError):
            problems.append(Problem(src, row, cols[key], str(get[key]), Text("数值", "a number"),
                                    Text("改为数值, 如 1", "write a number, e.g. 1")))
            continue
        if key == "level" and not number.is_integer():
            problems.append(Problem(src, row, cols[key], str(get[key]), Text("整数", "an integer"),
                                    Text("指标为第 1 层, 其分组为第 2 层, …",
                                         "indicators are level 1, their groups 2, …")))
    return problems


def _node_from_record(get: dict[str, Any]) -> Node:
    def num(key: str) -> float | None:
        return None if get[key] is None else float(get[key])

    direction = 1 if get["direction"] is None else float(get["direction"])
    return Node(code=str(get["code"]).strip(), level=int(float(get["level"])),
                parent=None if get["parent"] is None else str(get["parent"]).strip(),
                name_zh="" if get["name_zh"] is None else str(get["name_zh"]),
                name_en="" if get["name_en"] is None else str(get["name_en"]),
                direction=int(direction) if float(direction).is_integer() else direction,  # type: ignore[arg-type]
                weight=1.0 if get["weight"] is None else float(get["weight"]),
                denominator=None if get["denominator"] is None else str(get["denominator"]),
                target=num("target"), target_low=num("target_low"), target_high=num("target_high"),
                unit="" if get["unit"] is None else str(get["unit"]))


def _summary(source: str, n: int) -> Text:
    src = source or "<input>"
    return Text(f"指标体系 {src} 有 {n} 个问题", f"framework {src}: {n} problem(s)")


def _missing_fix(col: str, columns: Iterable[object]) -> Text:
    close = difflib.get_close_matches(col, [str(c) for c in columns], n=1, cutoff=0.6)
    if close:
        return Text(f"把「{close[0]}」列改名为 {col}", f"rename column '{close[0]}' to {col}")
    return Text(f"添加 {col} 列", f"add the column {col}")


def _node_problems(node: Node, row: int | None, src: str) -> list[Problem]:
    problems = []
    if node.level < 1:
        problems.append(Problem(src, row, "level", str(node.level), Text("≥ 1 的整数", "an integer ≥ 1"),
                                Text("指标为第 1 层, 其分组为第 2 层, …",
                                     "indicators are level 1, their groups 2, …")))
    if node.direction not in (-1, 1):
        problems.append(Problem(src, row, "direction", str(node.direction), Text("1 或 -1", "1 or -1"),
                                Text("越小越好的指标填 -1", "use -1 where lower values are better")))
    if not (math.isfinite(node.weight) and node.weight >= 0):
        problems.append(Problem(src, row, "weight", str(node.weight), Text("≥ 0 的有限权重",
                                                                           "a finite weight ≥ 0"),
                                Text("改正权重", "correct the weight")))
    if node.target_low is not None and node.target_high is not None and node.target_low > node.target_high:
        problems.append(Problem(src, row, "target_low", str(node.target_low),
                                Text("target_low ≤ target_high", "target_low ≤ target_high"),
                                Text("交换上下限", "swap the two bounds")))
    return problems


def _link_problems(nodes: list[Node], rows: list[int | None],
                   by_code: dict[str, tuple[Node, int | None]], src: str) -> list[Problem]:
    problems = []
    parents = {n.parent for n in nodes}
    for node, row in zip(nodes, rows, strict=True):
        if node.level > 1 and node.code not in parents:
            problems.append(Problem(src, row, "code", node.code, Text("有下级的分组",
                                                                      "an aggregate with children"),
                                    Text("删除该行, 或为它添加下级", "remove it or give it children")))
        if node.parent is None:
            continue
        if node.parent not in by_code:
            problems.append(Problem(src, row, "parent", node.parent, Text("另一行的代码",
                                                                          "the code of another row"),
                                    Text("添加上级所在行, 或改正该代码(无上级的孤立行)",
                                         "add the parent row or correct the code (orphan)")))
        elif by_code[node.parent][0].level != node.level + 1:
            parent_level = by_code[node.parent][0].level
            problems.append(Problem(src, row, "level", str(node.level),
                                    Text(f"比上级的层级 ({parent_level}) 小 1",
                                         f"one less than its parent's level ({parent_level})"),
                                    Text("改正层级", "correct the level")))
    return problems


def _cycles(by_code: dict[str, tuple[Node, int | None]], src: str) -> list[Problem]:
    problems = []
    reported: set[str] = set()
    for code in by_code:
        path: list[str] = []
        cur: str | None = code
        while cur is not None and cur in by_code and cur not in path:
            path.append(cur)
            cur = by_code[cur][0].parent
        if cur is not None and cur in path and cur not in reported:
            loop = path[path.index(cur):]
            reported.update(loop)
            problems.append(Problem(src, by_code[cur][1], "parent", " > ".join([*loop, cur]),
                                    Text("没有循环的树", "a tree without cycles"),
                                    Text("打断上级之间的循环", "break the loop of parents")))
    return problems


# -- units -----------------------------------------------------------------------------------

UnitKind = Literal["unit", "pair", "group"]


def pair_key(a: str, b: str, *, symmetric: bool = False) -> str:
    """Return the key ``"A>B"`` of a pair of units; sorted when ``symmetric``.

    >>> pair_key("320500", "310000", symmetric=True)
    '310000>320500'
    """
    if symmetric and b < a:
        a, b = b, a
    return f"{a}>{b}"


@dataclass(frozen=True)
class UnitSet:
    """The units an index scores: plain units, pairs (``"A>B"``) or groups.

    Parameters
    ----------
    codes
        Unit keys (strings).
    kind
        ``"unit"`` (a city), ``"pair"`` (an edge between two units) or ``"group"`` (a metro area).
    symmetric
        For pairs: ``A>B`` and ``B>A`` are the same pair (keys stored sorted).
    members
        For groups: the member unit codes of each group.
    """

    codes: tuple[str, ...]
    kind: UnitKind = "unit"
    symmetric: bool = False
    members: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        problems = []
        if self.kind not in ("unit", "pair", "group"):
            problems.append(Problem("", None, "kind", str(self.kind), "unit, pair or group", "fix kind"))
        if len(set(self.codes)) != len(self.codes):
            dup = sorted({c for c in self.codes if self.codes.count(c) > 1})
            problems.append(Problem("", None, "codes", ", ".join(dup), "unique unit keys",
                                    "drop the duplicates"))
        if self.kind == "pair":
            bad = [c for c in self.codes if c.count(">") != 1]
            if bad:
                problems.append(Problem("", None, "codes", ", ".join(bad[:5]), "keys of the form A>B",
                                        "build keys with pair_key()"))
        if self.kind == "group":
            missing = [c for c in self.codes if c not in self.members]
            if missing:
                problems.append(Problem("", None, "members", ", ".join(missing), "members for each group",
                                        "give the member codes of every group"))
        if problems:
            raise ValidationError(problems)

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[str, str]], *, symmetric: bool = False) -> UnitSet:
        """Build a pair set from ``(origin, destination)`` tuples (duplicates merged)."""
        keys = dict.fromkeys(pair_key(a, b, symmetric=symmetric) for a, b in pairs)
        return cls(tuple(keys), kind="pair", symmetric=symmetric)

    def ends(self) -> pd.DataFrame:
        """For pairs: a table ``key, origin, destination``."""
        if self.kind != "pair":
            msg = f"ends() needs a pair set; this set is of kind {self.kind!r}"
            raise DataError(msg)
        rows = [(k, *k.split(">")) for k in self.codes]
        return pd.DataFrame(rows, columns=["key", "origin", "destination"]).set_index("key")


def roll_up(data: pd.DataFrame, groups: Mapping[str, Sequence[str]], *,
            rule: Literal["mean", "sum", "population_weighted"] = "mean",
            weights: pd.Series | Mapping[str, float] | None = None) -> pd.DataFrame:
    r"""Produce one row per group from the rows of its members.

    .. math:: x_g = \frac{\sum_{u \in g} p_u x_u}{\sum_{u \in g} p_u}

    with :math:`p_u = 1` for ``"mean"`` and the population of unit :math:`u` for
    ``"population_weighted"``; ``"sum"`` adds member values. Missing member values are skipped
    (their weight drops out); a group whose members all miss a value gets ``NaN``.

    Parameters
    ----------
    data
        Wide table indexed by unit code.
    groups
        Member codes of each group.
    rule
        ``"mean"``, ``"sum"`` or ``"population_weighted"``.
    weights
        Population (or other weight) per unit; required by ``"population_weighted"``.

    Examples
    --------
    >>> df = pd.DataFrame({"x": [1.0, 3.0, 5.0]}, index=["a", "b", "c"])
    >>> roll_up(df, {"G": ["a", "b"]}, rule="population_weighted", weights={"a": 3, "b": 1})
         x
    G  1.5
    """
    problems = [Problem("", None, "groups", f"{g}: {', '.join(m for m in mem if m not in data.index)}",
                        "member codes present in the data", "add the rows or correct the members")
                for g, mem in groups.items() if any(m not in data.index for m in mem)]
    if rule not in ("mean", "sum", "population_weighted"):
        problems.append(Problem("", None, "rule", str(rule), "mean, sum or population_weighted",
                                "choose a rule"))
    if rule == "population_weighted" and weights is None:
        problems.append(Problem("", None, "weights", None, "a population per unit",
                                "pass weights=population"))
    if problems:
        raise ValidationError(problems)
    num = data.select_dtypes("number")
    out = {}
    for g, mem in groups.items():
        block = num.loc[list(mem)]
        if rule == "sum":
            out[g] = block.sum(min_count=1)
            continue
        p = (pd.Series(1.0, index=block.index) if rule == "mean"
             else pd.Series(weights, dtype=float).reindex(block.index))
        w = block.notna().mul(p, axis=0)
        out[g] = block.mul(p, axis=0).sum(min_count=1) / w.sum().replace(0, np.nan)
    return pd.DataFrame(out).T.reindex(columns=num.columns)
