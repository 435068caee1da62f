"""Compute registered indicators from a store and write them back."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd

from .._errors import TongchengError
from .._text import Text
from ..io.plausibility import fill_missing_rules, screen_observations
from .context import ComputeContext
from .registry import IndicatorSpec, catalogue, registered

__all__ = ["compute_indicators", "to_observations"]


def to_observations(spec: IndicatorSpec, result: pd.DataFrame) -> pd.DataFrame:
    """Turn a ``compute(ctx)`` result into store observation rows."""
    frame = result.reset_index()
    out = pd.DataFrame({"indicator": spec.code, "period": frame["period"].astype(str),
                        "value": frame["value"].astype(float), "unit": spec.unit,
                        "value_kind": "computed", "vintage": "", "source": "tongcheng",
                        "flags": frame.get("flags", "").astype(str) if "flags" in frame else "",
                        "metro_code": None})
    if spec.subject_kind == "pair":
        a, b = frame.iloc[:, 0].astype(str), frame.iloc[:, 1].astype(str)
        out["unit_code"], out["partner_code"], out["subject_key"] = a, b, a + ">" + b
    elif spec.subject_kind == "metro":
        m = frame.iloc[:, 0].astype(str)
        out["unit_code"], out["partner_code"], out["metro_code"] = None, None, m
        out["subject_key"] = "metro:" + m
    else:
        c = frame.iloc[:, 0].astype(str)
        out["unit_code"], out["partner_code"], out["subject_key"] = c, None, c
    out["subject_kind"] = spec.subject_kind
    return out


def _failure(exc: Exception) -> Text:
    """Why a family failed, in both languages."""
    if isinstance(exc, TongchengError) and exc.text is not None:
        return exc.text
    detail = str(exc) or type(exc).__name__
    if isinstance(exc, TongchengError):
        return Text(detail, detail)
    return Text(f"计算出错（{type(exc).__name__}: {detail}）", f"{type(exc).__name__}: {detail}")


_COMPUTED = Text("已计算", "computed")
_NO_UNITS = Text("跳过：这些单元没有数值", "skipped: no values for these units")
_NO_INPUT = Text("跳过：没有 {code} 的数据", "skipped: no {code}")
_FAILED = Text("失败：{why}（已存的值未改动）", "failed: {why} (stored values left as they were)")


def _status(code: str, n_values: int, text: Text, n_excluded: int) -> dict[str, object]:
    return {"code": code, "n_values": n_values, "status": str(text), "status_text": text,
            "n_excluded": n_excluded}


_KEY = ["indicator", "subject_key", "period"]
_INSTEAD = Text("；改用较早的版本「{vintage}」的值 {value}",
                "; the earlier vintage '{vintage}' ({value}) is used instead")


def _screen(store: object, ctx: ComputeContext) -> pd.DataFrame:
    """Leave implausible inputs out of ``ctx``, falling back to an earlier plausible vintage.

    Returns the excluded observations; their ``message`` says what is used instead, if anything.
    """
    cat = store.indicators()  # type: ignore[attr-defined]
    kept, excluded = screen_observations(ctx.observations, catalogue=cat,
                                         imports=store.imports(), units=ctx.units)  # type: ignore[attr-defined]
    if excluded.empty:
        return excluded
    older = store.observations(indicators=sorted(set(excluded["indicator"])),  # type: ignore[attr-defined]
                               latest_vintage=False)
    older = older.merge(excluded[_KEY].drop_duplicates(), on=_KEY)
    older, _ = screen_observations(older[~older["id"].isin(excluded["id"])], catalogue=cat)
    # the store's rule for the latest vintage: the newest import, then the newest row
    older = older.assign(_imp=older["import_id"].fillna(0)).sort_values(
        ["_imp", "created_at", "id"], ascending=False).drop_duplicates(_KEY).drop(columns="_imp")
    ctx.observations = pd.concat([kept, older], ignore_index=True) if not older.empty else kept
    instead = excluded[_KEY].merge(older[[*_KEY, "vintage", "value"]], on=_KEY, how="left")
    excluded = excluded.assign(
        used_instead=instead["value"].to_numpy(),
        message=[m + _INSTEAD.format(vintage=v, value=f"{x:.10g}") if pd.notna(x) else m
                 for m, v, x in zip(excluded["message"], instead["vintage"], instead["value"], strict=True)])
    return excluded


def compute_indicators(store: object, *, codes: Sequence[str] | None = None,
                       progress: Callable[[str], None] | None = None) -> pd.DataFrame:
    """Compute registered indicators from the store's data and replace their stored values.

    The run never stops for one bad value or one failing family:

    * stored input values outside their indicator's range (catalogue ``min_value``,
      ``max_value``) or not finite are left out of the computation (not deleted) and listed;
      an earlier plausible vintage of the same value is used instead where one is stored;
    * a family that raises is reported as ``failed: <why>`` and its stored values are left as
      they were; every other family is computed.

    Catalogue entries stored before the plausibility columns existed get them first
    (:func:`~tongcheng.io.plausibility.fill_missing_rules`).

    Parameters
    ----------
    store
        A :class:`~tongcheng.store.Store`.
    codes
        Indicators to compute (default: every registered one whose inputs are stored).
    progress
        Called with each indicator code before it is computed (for progress bars).

    Returns
    -------
    pandas.DataFrame
        One row per indicator: ``code``, ``n_values``, ``status`` (``computed``,
        ``skipped: …`` or ``failed: …``, in English), ``status_text`` (the same as a
        bilingual :class:`~tongcheng._text.Text`) and ``n_excluded`` (input values left out).
        ``attrs["excluded"]`` holds the excluded input observations, each with its
        ``reason``, ``file_name``, bilingual ``message``
        (see :func:`~tongcheng.io.plausibility.screen_observations`) and ``used_instead``: the
        value of the latest plausible earlier vintage of the same subject and period, which
        the computation uses instead (NaN where there is none: the value is then missing).
    """
    fill_missing_rules(store)  # type: ignore[arg-type]
    store.put_indicators(catalogue())  # type: ignore[attr-defined]
    ctx = ComputeContext.from_store(store)
    excluded = _screen(store, ctx)
    n_bad = excluded["indicator"].value_counts() if not excluded.empty else pd.Series(dtype="int64")
    specs = [s for s in registered() if codes is None or s.code in codes]
    rows, frames, ran = [], [], []
    for spec in specs:
        if progress is not None:
            progress(spec.code)
        n_excluded = int(sum(n_bad.get(c, 0) for c in spec.inputs))
        missing = [c for c in spec.inputs if not ctx.has(c)]
        if spec.inputs and len(missing) == len(spec.inputs):
            rows.append(_status(spec.code, 0, _NO_INPUT.format(code=missing[0]), n_excluded))
            continue
        try:
            obs = to_observations(spec, spec.compute(ctx))
        except Exception as exc:  # one family's failure must not stop the others
            rows.append(_status(spec.code, 0, _FAILED.format(why=_failure(exc)), n_excluded))
            continue
        frames.append(obs)
        ran.append(spec.code)  # its stored values are replaced, also by none
        text = _COMPUTED
        if obs.empty:  # some inputs stored but not those it needs, or none for these units
            text = _NO_INPUT.format(code=missing[0]) if missing else _NO_UNITS
        rows.append(_status(spec.code, len(obs), text, n_excluded))
    if frames:
        store.replace_computed(pd.concat(frames, ignore_index=True), indicators=ran)  # type: ignore[attr-defined]
    table = pd.DataFrame(rows, columns=["code", "n_values", "status", "status_text", "n_excluded"])
    table.attrs["excluded"] = excluded
    return table
