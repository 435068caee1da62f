"""Compute registered indicators from a store and write them back."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd

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


def compute_indicators(store: object, *, codes: Sequence[str] | None = None,
                       progress: Callable[[str], None] | None = None) -> pd.DataFrame:
    """Compute registered indicators from the store's data and replace their stored values.

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
        One row per indicator: ``code, n_values, status`` (``computed`` or ``skipped: …``).
    """
    store.put_indicators(catalogue())  # type: ignore[attr-defined]
    ctx = ComputeContext.from_store(store)
    specs = [s for s in registered() if codes is None or s.code in codes]
    rows, frames, ran = [], [], []
    for spec in specs:
        if progress is not None:
            progress(spec.code)
        missing = [c for c in spec.inputs if not ctx.has(c)]
        if spec.inputs and len(missing) == len(spec.inputs):
            rows.append({"code": spec.code, "n_values": 0, "status": f"skipped: no {missing[0]}"})
            continue
        obs = to_observations(spec, spec.compute(ctx))
        frames.append(obs)
        ran.append(spec.code)  # its stored values are replaced, also by none
        status = "computed"
        if obs.empty:  # some inputs stored but not those it needs, or none for these units
            status = f"skipped: no {missing[0]}" if missing else "skipped: no values for these units"
        rows.append({"code": spec.code, "n_values": len(obs), "status": status})
    if frames:
        store.replace_computed(pd.concat(frames, ignore_index=True), indicators=ran)  # type: ignore[attr-defined]
    return pd.DataFrame(rows)
