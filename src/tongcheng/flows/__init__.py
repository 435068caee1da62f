"""Flows and linkage: OD tables, commuting indicators, delineation and spatial interaction.

- :mod:`~tongcheng.flows.od` — :class:`ODTable`, the validated long table of flows;
- :mod:`~tongcheng.flows.backends` — :func:`aggregate_trips` on DuckDB, pandas or Spark;
- :mod:`~tongcheng.flows.commuting` — commuting indicators (DOMAIN.md S01–S06);
- :mod:`~tongcheng.flows.delineation` — rule-based delineation of metropolitan areas;
- :mod:`~tongcheng.flows.interaction` — gravity models, PPML and border effects;
- :mod:`~tongcheng.flows.network` — centrality, intra-metro share, urban flow intensity;
- :mod:`~tongcheng.flows.industry` — similarity, location quotients, complementarity;
- :mod:`~tongcheng.flows.market` — market segmentation by the relative-price method;
- :mod:`~tongcheng.flows.gravity_inputs` — gravity-model inputs from an OD table and coordinates;
- :mod:`~tongcheng.flows.stored` — flows read from, and delineations written to, a project store.
"""

from __future__ import annotations

from .backends import BACKENDS, aggregate_trips
from .commuting import (
    commuting_rate_to,
    cross_city_commuters,
    employment_interchange,
    in_out_ratio,
    inbound_employment_share,
    origin_shares,
)
from .delineation import (
    JAPAN_CENSUS,
    JAPAN_UEA,
    OECD_FUA,
    OMB_CBSA,
    OMB_CSA,
    RULES,
    Rule,
    combine_metros,
    delineate,
    threshold_sensitivity,
    unit_shares,
)
from .gravity_inputs import gravity_inputs, great_circle_km
from .industry import complementarity, krugman, location_quotients, unido_similarity
from .interaction import (
    MODELLED,
    GravityModel,
    PoissonFit,
    border_effect,
    border_expected,
    fill_missing_flows,
    fit_gravity,
    poisson_irls,
    ppml,
)
from .market import read_prices, relative_price_changes, relative_price_variance, segmentation_index
from .network import flow_centrality, intra_metro_share, urban_flow_intensity
from .od import OD_COLUMNS, VALUE_KINDS, ODTable, antisymmetric_part, symmetric_part
from .stored import od_from_observations, store_delineation, stored_metro_code

__all__ = [
    "BACKENDS",
    "JAPAN_CENSUS",
    "JAPAN_UEA",
    "MODELLED",
    "OD_COLUMNS",
    "OECD_FUA",
    "OMB_CBSA",
    "OMB_CSA",
    "RULES",
    "VALUE_KINDS",
    "GravityModel",
    "ODTable",
    "PoissonFit",
    "Rule",
    "aggregate_trips",
    "antisymmetric_part",
    "border_effect",
    "border_expected",
    "combine_metros",
    "commuting_rate_to",
    "complementarity",
    "cross_city_commuters",
    "delineate",
    "employment_interchange",
    "fill_missing_flows",
    "fit_gravity",
    "flow_centrality",
    "gravity_inputs",
    "great_circle_km",
    "in_out_ratio",
    "inbound_employment_share",
    "intra_metro_share",
    "krugman",
    "location_quotients",
    "od_from_observations",
    "origin_shares",
    "poisson_irls",
    "ppml",
    "read_prices",
    "relative_price_changes",
    "relative_price_variance",
    "segmentation_index",
    "store_delineation",
    "stored_metro_code",
    "symmetric_part",
    "threshold_sensitivity",
    "unido_similarity",
    "unit_shares",
    "urban_flow_intensity",
]
