"""Spatial interaction: Poisson gravity models, PPML with fixed effects, border effects.

All models are Poisson generalised linear models with a log link, fitted by iteratively
reweighted least squares in numpy (no statsmodels): the unconstrained gravity model and
the production-, attraction- and doubly-constrained models of Wilson's family, in the
parameterisation of PySAL ``spint`` (Oshan 2016), and PPML with origin and destination
fixed effects (Santos Silva & Tenreyro 2006). Predicted flows are always marked as
modelled (``flags = "modelled"``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
from scipy.special import gammaln

from .._errors import DataError, Problem, ValidationError
from .._text import Text

__all__ = [
    "MODELLED",
    "GravityModel",
    "PoissonFit",
    "border_effect",
    "border_expected",
    "fill_missing_flows",
    "fit_gravity",
    "poisson_irls",
    "ppml",
]

MODELLED = "modelled"
Model = Literal["unconstrained", "production", "attraction", "doubly"]
CostFunction = Literal["exp", "pow"]


@dataclass(frozen=True)
class PoissonFit:
    """A fitted Poisson GLM (log link).

    Attributes
    ----------
    params, std_err
        Coefficients and their model-based (IID Poisson) standard errors, by name.
    fitted
        Fitted means, aligned with the input rows.
    deviance, llf, aic
        Residual deviance, log-likelihood and AIC (-2 log-likelihood + 2 k).
    n_iter
        IRLS iterations used.
    """

    params: pd.Series
    std_err: pd.Series
    fitted: pd.Series
    deviance: float
    llf: float
    aic: float
    n_iter: int


def poisson_irls(y: np.ndarray, x: pd.DataFrame, *, offset: np.ndarray | None = None,
                 tol: float = 1e-12, max_iter: int = 200) -> PoissonFit:
    r"""Fit :math:`\log E[y] = X\beta + o` by iteratively reweighted least squares.

    .. math::

        z = \eta - o + \frac{y - \mu}{\mu}, \qquad
        \beta \leftarrow (X^\top W X)^{-1} X^\top W z, \qquad W = \operatorname{diag}(\mu)

    until the relative change in deviance is below ``tol`` (McCullagh & Nelder 1989,
    *Generalized Linear Models*, 2nd ed., §2.5), or the coefficients change by less than
    1e-10 of their size (data the model fits exactly).

    Raises
    ------
    DataError
        If ``y`` has negative or missing values, or the fit does not converge.
    """
    y = np.asarray(y, dtype=float)
    xm = x.to_numpy(dtype=float)
    if y.ndim != 1 or len(y) != len(xm):
        msg = "y must be one value per row of x"
        raise DataError(msg)
    if not np.isfinite(y).all() or (y < 0).any():
        msg = Text("泊松模型要求流量为有限且 ≥ 0 的数",
                   "flows must be finite and ≥ 0 for a Poisson model")
        raise DataError(msg)
    if not np.isfinite(xm).all():
        msg = Text("回归变量含缺失或无穷值(对 0 取了对数?);请删除或更正这些行",
                   "regressors contain missing or infinite values (log of 0?); drop or fix those rows")
        raise DataError(msg)
    off = np.zeros_like(y) if offset is None else np.asarray(offset, dtype=float)
    mu = y + y.mean() / 2
    eta = np.log(mu)
    dev_old = np.inf
    beta_old = np.full(xm.shape[1], np.inf)
    for it in range(1, max_iter + 1):  # noqa: B007  (it is reported)
        z = eta - off + (y - mu) / mu
        sw = np.sqrt(mu)
        beta, *_ = np.linalg.lstsq(xm * sw[:, None], z * sw, rcond=None)
        eta = xm @ beta + off
        mu = np.exp(eta)
        dev = _deviance(y, mu)
        # the deviance test, or (for data the model fits exactly, where the deviance is
        # rounding noise of the size of the flows) coefficients that no longer move
        step = np.max(np.abs(beta - beta_old), initial=0.0)
        if abs(dev - dev_old) <= tol * (abs(dev) + 0.1) or (
                step <= 1e-10 * (1 + np.max(np.abs(beta), initial=0.0))):
            break
        dev_old, beta_old = dev, beta
    else:
        msg = Text(f"IRLS 在 {max_iter} 次迭代内未收敛;请检查完全分离或变量尺度",
                   f"IRLS did not converge in {max_iter} iterations; check for separation or scaling")
        raise DataError(msg)
    cov = np.linalg.pinv(xm.T @ (xm * mu[:, None]))
    llf = float(np.sum(y * np.log(mu) - mu - gammaln(y + 1)))
    names = list(x.columns)
    return PoissonFit(params=pd.Series(beta, index=names),
                      std_err=pd.Series(np.sqrt(np.diag(cov)), index=names),
                      fitted=pd.Series(mu, index=x.index), deviance=float(dev), llf=llf,
                      aic=-2 * llf + 2 * len(names), n_iter=it)


def _deviance(y: np.ndarray, mu: np.ndarray) -> float:
    with np.errstate(divide="ignore", invalid="ignore"):
        term = np.where(y > 0, y * np.log(y / mu), 0.0)
    return float(2 * np.sum(term - (y - mu)))


def _checked(flows: pd.DataFrame, *, numeric: Sequence[str], text: Sequence[str], file: str,
             value: str) -> pd.DataFrame:
    """Return ``flows`` with ``numeric`` columns as floats, or raise every problem located.

    Rows are counted as in a spreadsheet (header = row 1), so a frame read from ``file``
    with :func:`pandas.read_csv` is located exactly.
    """
    cols = list(dict.fromkeys([*text, *numeric]))
    problems = [Problem(file, None, c, None, Text(f"名为 '{c}' 的列", f"a column named '{c}'"),
                        Text(f"添加该列,或用相应选项指定列名;现有列为 {list(flows.columns)}",
                             f"add it or name your column with the matching option; the flows have "
                             f"{list(flows.columns)}")) for c in cols if c not in flows.columns]
    out = flows.copy()
    for col in (c for c in dict.fromkeys(numeric) if c in flows.columns):
        values = pd.to_numeric(flows[col], errors="coerce")
        for pos in (~np.isfinite(values.to_numpy(dtype=float))).nonzero()[0]:
            raw = flows[col].iloc[pos]
            problems.append(Problem(file, int(pos) + 2, col, None if pd.isna(raw) else str(raw),
                                    Text("有限的数值", "a finite number"),
                                    Text("请写成纯数字(不带单位或千位分隔符)",
                                         "write a plain number (no units or thousands separators)")))
        if col == value:
            for pos in (values.to_numpy(dtype=float) < 0).nonzero()[0]:
                problems.append(Problem(file, int(pos) + 2, col, str(flows[col].iloc[pos]),
                                        Text("≥ 0 的流量", "a flow ≥ 0"),
                                        Text("流量不能为负", "flows cannot be negative")))
        out[col] = values.astype(float)
    if problems:
        missing = [p.column for p in problems if p.row is None]
        head = (Text(f"流量表缺少列 {missing}", f"the flows lack column(s) {missing}") if missing
                else None)
        raise ValidationError(problems, summary=head)
    return out


@dataclass(frozen=True)
class GravityModel:
    """A fitted gravity model; :meth:`predict` gives modelled flows for any pairs.

    Attributes
    ----------
    model
        ``unconstrained``, ``production``, ``attraction`` or ``doubly``.
    cost_function
        ``exp`` (cost enters linearly) or ``pow`` (log cost).
    fit
        The underlying :class:`PoissonFit`; coefficient names follow spint:
        ``const``, ``o_<code>`` / ``d_<code>`` (first level dropped), ``log_origin_mass``,
        ``log_destination_mass``, ``cost``.
    columns
        The column names used (origin, destination, value, cost, masses).
    """

    model: str
    cost_function: str
    fit: PoissonFit
    columns: Mapping[str, str] = field(repr=False)
    levels: Mapping[str, list[str]] = field(repr=False)

    @property
    def params(self) -> pd.Series:
        """Coefficients by name."""
        return self.fit.params

    def predict(self, frame: pd.DataFrame) -> pd.Series:
        """Return modelled flows for the rows of ``frame`` (same columns as the fit)."""
        x = _design(frame, self.model, self.cost_function, self.columns, self.levels)
        return pd.Series(np.exp(x.to_numpy(dtype=float) @ self.params[x.columns].to_numpy()),
                         index=frame.index, name="value")


def _design(frame: pd.DataFrame, model: str, cost_function: str, cols: Mapping[str, str],
            levels: Mapping[str, list[str]]) -> pd.DataFrame:
    x = pd.DataFrame(index=frame.index)
    x["const"] = 1.0
    for side, prefix in (("origin", "o"), ("destination", "d")):
        if (side == "origin" and model in ("production", "doubly")) or (
                side == "destination" and model in ("attraction", "doubly")):
            codes = frame[cols[side]].astype(str)
            unknown = sorted(set(codes) - set(levels[side]))
            if unknown:
                msg = Text(f"{side} {unknown} 不在拟合数据中;约束模型无法预测它们",
                           f"{side}(s) {unknown} were not in the fitted data; "
                           "a constrained model cannot predict them")
                raise DataError(msg)
            for code in levels[side][1:]:
                x[f"{prefix}_{code}"] = (codes == code).astype(float)
    with np.errstate(divide="ignore"):
        if model in ("unconstrained", "attraction"):
            x["log_origin_mass"] = np.log(frame[cols["origin_mass"]].astype(float))
        if model in ("unconstrained", "production"):
            x["log_destination_mass"] = np.log(frame[cols["destination_mass"]].astype(float))
        c = frame[cols["cost"]].astype(float)
        x["cost"] = c if cost_function == "exp" else np.log(c)
    return x


def fit_gravity(  # noqa: PLR0913  (column names are keyword-only)
        flows: pd.DataFrame, *, model: Model = "unconstrained", cost: str = "distance",
                cost_function: CostFunction = "exp", origin: str = "origin",
                destination: str = "destination", value: str = "value",
                origin_mass: str = "origin_mass", destination_mass: str = "destination_mass",
                file: str = "") -> GravityModel:
    r"""Fit a Poisson spatial-interaction (gravity) model of Wilson's family.

    .. math::

        \text{unconstrained:}\quad \log E[T_{ij}] = k + \alpha \log O_i + \gamma \log D_j + \beta c_{ij}

        \text{production:}\quad \log E[T_{ij}] = \mu_i + \gamma \log D_j + \beta c_{ij}

        \text{attraction:}\quad \log E[T_{ij}] = \alpha \log O_i + \delta_j + \beta c_{ij}

        \text{doubly:}\quad \log E[T_{ij}] = \mu_i + \delta_j + \beta c_{ij}

    with :math:`c_{ij}` the cost (``exp``) or its log (``pow``). The fixed effects
    :math:`\mu_i, \delta_j` are origin / destination dummies beside a constant, as in
    spint (Oshan 2016, "A primer for working with the Spatial Interaction modeling (SpInt)
    module in the python spatial analysis library (PySAL)", *REGION* 3(2): R11–R23;
    Wilson 1971, *Environment and Planning A* 3(1)), so the constrained models reproduce the
    observed row and/or column totals.

    Parameters
    ----------
    flows
        One row per origin–destination pair with the flow, the cost and the masses the
        model needs.
    model
        ``"unconstrained"``, ``"production"``, ``"attraction"`` or ``"doubly"``.
    cost, cost_function
        Cost column (distance, travel time) and ``"exp"`` or ``"pow"``.
    origin, destination, value, origin_mass, destination_mass
        Column names.
    file
        Name of the file the flows were read from, for error messages.

    Returns
    -------
    GravityModel

    Raises
    ------
    ValidationError
        Every missing column, non-numeric or non-finite value and negative flow, each
        located by file, row (header = row 1) and column.
    DataError
        If ``model`` or ``cost_function`` is unknown, or the fit does not converge.
    """
    if model not in ("unconstrained", "production", "attraction", "doubly"):
        msg = f"model is {model!r}; expected unconstrained, production, attraction or doubly"
        raise DataError(msg)
    if cost_function not in ("exp", "pow"):
        msg = f"cost_function is {cost_function!r}; expected 'exp' or 'pow'"
        raise DataError(msg)
    cols = {"origin": origin, "destination": destination, "value": value, "cost": cost,
            "origin_mass": origin_mass, "destination_mass": destination_mass}
    need = [value, cost]
    if model in ("unconstrained", "attraction"):
        need.append(origin_mass)
    if model in ("unconstrained", "production"):
        need.append(destination_mass)
    flows = _checked(flows, numeric=need, text=(origin, destination), file=file, value=value)
    levels = {"origin": sorted(flows[origin].astype(str).unique()),
              "destination": sorted(flows[destination].astype(str).unique())}
    x = _design(flows, model, cost_function, cols, levels)
    fit = poisson_irls(flows[value].to_numpy(dtype=float), x)
    return GravityModel(model=model, cost_function=cost_function, fit=fit, columns=cols, levels=levels)


def ppml(flows: pd.DataFrame, *, regressors: Sequence[str], value: str = "value",
         origin: str = "origin", destination: str = "destination", file: str = "") -> PoissonFit:
    r"""Poisson pseudo-maximum likelihood with origin and destination fixed effects.

    .. math:: E[T_{ij} \mid x_{ij}] = \exp\bigl(\mu_i + \delta_j + x_{ij}^\top \beta\bigr)

    (Santos Silva & Tenreyro 2006, "The log of gravity", *Review of Economics and
    Statistics* 88(4): 641–658). The fixed effects enter as dummies (all origins, all
    destinations but the first; no constant), so this suits up to a few hundred units.
    Only the :math:`\beta` are returned; their standard errors are IID Poisson ones.

    ``file`` names the source file in error messages.

    Returns
    -------
    PoissonFit
        ``params`` and ``std_err`` of ``regressors`` only; ``fitted`` for every row.

    Raises
    ------
    ValidationError
        Every missing column, non-numeric value and negative flow, located by row and column.
    """
    if not regressors:
        msg = Text("ppml 至少需要一个回归变量列(如 log_distance)",
                   "ppml needs at least one regressor column (e.g. log_distance)")
        raise DataError(msg)
    flows = _checked(flows, numeric=[value, *regressors], text=(origin, destination), file=file,
                     value=value)
    x = flows[list(regressors)].astype(float).copy()
    o = pd.get_dummies(flows[origin].astype(str), prefix="o", dtype=float)
    d = pd.get_dummies(flows[destination].astype(str), prefix="d", dtype=float).iloc[:, 1:]
    full = pd.concat([x, o, d], axis=1)
    fit = poisson_irls(flows[value].to_numpy(dtype=float), full)
    keep = list(regressors)
    return PoissonFit(params=fit.params[keep], std_err=fit.std_err[keep], fitted=fit.fitted,
                      deviance=fit.deviance, llf=fit.llf, aic=fit.aic, n_iter=fit.n_iter)


def border_expected(  # noqa: PLR0913  (column names are keyword-only)
        flows: pd.DataFrame, region: Mapping[str, str], *, cost: str = "distance",
        cost_function: CostFunction = "pow", origin: str = "origin",
        destination: str = "destination", value: str = "value",
        origin_mass: str = "origin_mass", destination_mass: str = "destination_mass",
        file: str = "") -> pd.DataFrame:
    r"""Gravity-expected flows of the pairs that cross a region boundary.

    An unconstrained gravity model (:func:`fit_gravity`) is calibrated on the pairs
    within one region and predicts :math:`\hat T_{ij}` for every pair with
    :math:`r(i) \ne r(j)`; :func:`border_effect` sums them.

    Returns
    -------
    pandas.DataFrame
        The crossing rows of ``flows`` with ``origin_region``, ``destination_region`` and
        ``expected`` added.

    Raises
    ------
    DataError
        If a unit has no region, or there are fewer than 5 within-region pairs or no
        crossing pair.
    ValidationError
        As :func:`fit_gravity`, for bad or missing columns.
    """
    frame = _checked(flows, numeric=[value, cost, origin_mass, destination_mass],
                     text=(origin, destination), file=file, value=value)
    frame["origin_region"] = frame[origin].astype(str).map(region)
    frame["destination_region"] = frame[destination].astype(str).map(region)
    unknown = sorted(set(frame.loc[frame["origin_region"].isna(), origin].astype(str))
                     | set(frame.loc[frame["destination_region"].isna(), destination].astype(str)))
    if unknown:
        msg = Text(f"单元 {unknown[:10]} 没有所属区域;请给每个单元指定区域",
                   f"units {unknown[:10]} have no region; give every unit a region")
        raise DataError(msg)
    same = frame["origin_region"] == frame["destination_region"]
    inside, cross = frame[same], frame[~same].copy()
    if len(inside) < 5 or cross.empty:
        msg = Text("至少需要 5 个区域内点对用于校准、1 个跨区域点对用于检验;实有 "
                   f"{len(inside)} 和 {len(cross)}",
                   f"need at least 5 within-region pairs to calibrate and one cross-region pair to "
                   f"test; got {len(inside)} and {len(cross)}")
        raise DataError(msg)
    model = fit_gravity(inside, model="unconstrained", cost=cost, cost_function=cost_function,
                        origin=origin, destination=destination, value=value, origin_mass=origin_mass,
                        destination_mass=destination_mass, file=file)
    cross["expected"] = model.predict(cross)
    return cross


def border_effect(  # noqa: PLR0913  (column names are keyword-only)
        flows: pd.DataFrame, region: Mapping[str, str], *, cost: str = "distance",
                  cost_function: CostFunction = "pow", origin: str = "origin",
                  destination: str = "destination", value: str = "value",
                  origin_mass: str = "origin_mass", destination_mass: str = "destination_mass",
                  file: str = "") -> pd.DataFrame:
    r"""Observed over gravity-expected flows across region boundaries (DOMAIN S09).

    An unconstrained gravity model is calibrated on pairs within the same region and
    predicts the pairs that cross a boundary (:func:`border_expected`):

    .. math:: B = \frac{\sum_{r(i) \ne r(j)} T_{ij}}{\sum_{r(i) \ne r(j)} \hat T_{ij}}

    :math:`B = 1` means no border effect, :math:`B < 1` fewer cross-boundary flows than
    distance and size predict (McCallum 1995, *American Economic Review* 85(3): 615–623).

    Returns
    -------
    pandas.DataFrame
        One row per crossing (``origin_region, destination_region``) and a total row
        (``"*"``): ``observed, expected, ratio``.
    """
    cross = border_expected(flows, region, cost=cost, cost_function=cost_function, origin=origin,
                            destination=destination, value=value, origin_mass=origin_mass,
                            destination_mass=destination_mass, file=file)
    by = cross.groupby(["origin_region", "destination_region"]).agg(
        observed=(value, "sum"), expected=("expected", "sum"))
    by.loc[("*", "*"), :] = [cross[value].sum(), cross["expected"].sum()]
    by["ratio"] = by["observed"] / by["expected"]
    return by.rename_axis(["origin_region", "destination_region"]).reset_index()


def fill_missing_flows(flows: pd.DataFrame, model: GravityModel) -> pd.DataFrame:
    """Fill missing flows (NaN ``value``) with model predictions flagged ``"modelled"``.

    Observed values are kept untouched; the ``flags`` column (created if absent) gets
    ``modelled`` on every filled row, so modelled and observed flows are never confused.
    """
    value = model.columns["value"]
    out = flows.copy()
    if "flags" not in out.columns:
        out["flags"] = ""
    gap = out[value].isna()
    if gap.any():
        out.loc[gap, value] = model.predict(out[gap]).to_numpy()
        out.loc[gap, "flags"] = [";".join(x for x in (f, MODELLED) if x) for f in out.loc[gap, "flags"]]
    return out
