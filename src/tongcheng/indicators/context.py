"""What computed indicators read: the store's latest observations, units and metros."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .._errors import DataError

__all__ = ["ComputeContext"]


@dataclass
class ComputeContext:
    """Inputs of indicator computations, read once from the store.

    Attributes
    ----------
    observations
        Latest-vintage observations (long form, store columns).
    units
        Units indexed by code (``level``, ``lon``, ``lat``, names, …).
    metros
        Metropolitan-area memberships (long form).
    """

    observations: pd.DataFrame
    units: pd.DataFrame
    metros: pd.DataFrame

    @classmethod
    def from_store(cls, store: object) -> ComputeContext:
        """Read the inputs from a :class:`~tongcheng.store.Store`."""
        obs = store.observations(latest_vintage=True)  # type: ignore[attr-defined]
        from .registry import registered  # computed rows of registered codes are outputs; others
        outputs = {s.code for s in registered()}  # (e.g. network travel times) are inputs
        obs = obs[(obs["value_kind"] != "computed") | ~obs["indicator"].isin(outputs)]
        return cls(observations=obs, units=store.units(),  # type: ignore[attr-defined]
                   metros=store.metro_memberships())  # type: ignore[attr-defined]

    def _rows(self, indicator: str, period: str | None) -> pd.DataFrame:
        rows = self.observations[self.observations["indicator"] == indicator]
        if period is not None:
            rows = rows[rows["period"] == period]
        return rows

    def has(self, indicator: str, period: str | None = None) -> bool:
        """Return whether any value of ``indicator`` (in ``period``) is stored."""
        return not self._rows(indicator, period).empty

    def latest_period(self, indicator: str) -> str:
        """Return the latest period stored for an indicator.

        Raises
        ------
        DataError
            If nothing is stored for it.
        """
        rows = self._rows(indicator, None)
        if rows.empty:
            msg = f"no data for {indicator!r}; import it first (tongcheng import stats FILE)"
            raise DataError(msg)
        return str(max(rows["period"]))

    def series(self, indicator: str, period: str | None = None, *,
               level: str | None = None) -> pd.Series:
        """Return one indicator for one period as a Series indexed by unit code."""
        rows = self._rows(indicator, period)
        rows = rows[rows["subject_kind"] == "unit"]
        out = rows.set_index("unit_code")["value"].astype(float)
        if level is not None:
            codes = self.units.index[self.units["level"] == level]
            out = out[out.index.isin(codes)]
        out.index.name = "code"
        return out.rename(indicator)

    def pair_series(self, indicator: str, period: str | None = None) -> pd.Series:
        """Return a pair indicator indexed by ``(from_code, to_code)``."""
        rows = self._rows(indicator, period)
        rows = rows[rows["subject_kind"] == "pair"]
        out = rows.set_index(["unit_code", "partner_code"])["value"].astype(float)
        out.index.names = ["from_code", "to_code"]
        return out.rename(indicator)

    def wide(self, indicators: list[str], period: str, *, level: str | None = None,
             ) -> pd.DataFrame:
        """Return several unit indicators of one period as columns."""
        return pd.concat([self.series(c, period, level=level) for c in indicators], axis=1)

    def cores(self, *, status: str = "adopted") -> dict[str, str]:
        """Return ``{metro_code: core_code}`` for metros with a core."""
        m = self.metros
        m = m[(m["status"] == status) & m["core_code"].notna() & (m["core_code"] != "")]
        return dict(m.groupby("metro_code")["core_code"].first())
