"""The inputs of a gravity model built from an OD table and unit coordinates."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .._errors import DataError
from .od import ODTable

__all__ = ["EARTH_RADIUS_KM", "gravity_inputs", "great_circle_km"]

EARTH_RADIUS_KM = 6371.0088  # IUGG mean radius


def great_circle_km(lon1: np.ndarray, lat1: np.ndarray, lon2: np.ndarray,
                    lat2: np.ndarray) -> np.ndarray:
    """Great-circle (haversine) distance in km on a sphere of the mean Earth radius.

    Examples
    --------
    >>> round(float(great_circle_km(np.array([0.0]), np.array([0.0]), np.array([0.0]),
    ...                             np.array([1.0]))[0]), 1)
    111.2
    """
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dl = np.radians(np.asarray(lon2, dtype=float) - np.asarray(lon1, dtype=float))
    h = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


def gravity_inputs(od: ODTable, coords: pd.DataFrame, *, all_pairs: bool = False) -> pd.DataFrame:
    r"""Return one row per cross-unit pair with the flow, distance and the two masses.

    The masses are the OD table's own totals, intra-unit flows included: the origin
    mass is the employed residents :math:`O_i = \sum_j T_{ij}` and the destination mass
    the jobs :math:`D_j = \sum_i T_{ij}`. The cost is the great-circle distance between
    the units' representative points (``lon``, ``lat``).

    Parameters
    ----------
    od
        Flows of one period and value kind.
    coords
        Indexed by unit code with columns ``lon`` and ``lat`` (e.g. the store's units).
    all_pairs
        ``False``: the pairs in the table; ``True``: every ordered pair of its units, with
        ``value`` NaN where the table has no row (to be modelled).

    Returns
    -------
    pandas.DataFrame
        ``origin, destination, value, distance`` (km), ``origin_mass, destination_mass``,
        ``flags``.

    Raises
    ------
    DataError
        If a unit has no coordinates.
    """
    d = od.data
    units = sorted(set(d["origin"]) | set(d["destination"]))
    missing = [u for u in units if u not in coords.index or coords.loc[u, ["lon", "lat"]].isna().any()]
    if missing:
        msg = f"unit(s) {missing[:10]} have no lon/lat; store the units' coordinates first"
        raise DataError(msg)
    out_mass = d.groupby("origin")["value"].sum()
    in_mass = d.groupby("destination")["value"].sum()
    cross = d[d["origin"] != d["destination"]][["origin", "destination", "value", "flags"]]
    if all_pairs:
        grid = pd.MultiIndex.from_tuples([(a, b) for a in units for b in units if a != b],
                                         names=["origin", "destination"]).to_frame(index=False)
        cross = grid.merge(cross, on=["origin", "destination"], how="left")
        cross["flags"] = cross["flags"].fillna("")
    frame = cross.reset_index(drop=True)
    xy = coords.loc[:, ["lon", "lat"]].astype(float)
    o, t = xy.loc[frame["origin"]].to_numpy(), xy.loc[frame["destination"]].to_numpy()
    frame["distance"] = great_circle_km(o[:, 0], o[:, 1], t[:, 0], t[:, 1])
    frame["origin_mass"] = frame["origin"].map(out_mass).fillna(0.0).to_numpy(dtype=float)
    frame["destination_mass"] = frame["destination"].map(in_mass).fillna(0.0).to_numpy(dtype=float)
    return frame[["origin", "destination", "value", "distance", "origin_mass", "destination_mass",
                  "flags"]]
