"""Shared checks of the composite modules: data as a complete float matrix, weights summing to one."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from tongcheng._errors import DataError

__all__: list[str] = []


def _matrix(data: pd.DataFrame, what: str, *, allow_nan: bool = False) -> np.ndarray:
    """Return ``data`` as a float array, raising DataError on non-numeric or missing cells."""
    if not isinstance(data, pd.DataFrame):
        msg = f"{what}: expected a DataFrame (units × indicators), got {type(data).__name__}."
        raise DataError(msg)
    if data.shape[1] == 0 or data.shape[0] == 0:
        msg = f"{what}: expected at least one unit and one indicator, got shape {data.shape}."
        raise DataError(msg)
    bad = [c for c in data.columns if not pd.api.types.is_numeric_dtype(data[c])]
    if bad:
        msg = f"{what}: expected numeric indicator columns, got non-numeric {bad}. Convert or drop them."
        raise DataError(msg)
    x = data.to_numpy(dtype=float)
    if not allow_nan and np.isnan(x).any():
        cols = [str(c) for c in data.columns[np.isnan(x).any(axis=0)]]
        msg = f"{what}: expected complete data, got missing values in {cols}. Impute or screen first."
        raise DataError(msg)
    if np.isinf(x).any():
        msg = f"{what}: expected finite values, got infinities. Check denominators."
        raise DataError(msg)
    return x


def _series(values: np.ndarray, codes: Iterable[object], name: str = "weight") -> pd.Series:
    return pd.Series(np.asarray(values, dtype=float), index=pd.Index(list(codes)), name=name)


def _normalise(w: np.ndarray, what: str) -> np.ndarray:
    total = w.sum(axis=-1, keepdims=True)
    if np.any(total <= 0) or np.any(~np.isfinite(total)):
        msg = f"{what}: weights are undefined (their sum is {np.ravel(total)[0]!r}, expected > 0)."
        raise DataError(msg)
    return w / total
