"""Composite indicators to the JRC/OECD handbook: the 同城化 index engine.

Modules (one concept each): ``framework`` (the indicator tree), ``steps`` (denominate,
impute, screen, treat), ``normalise``, ``weights``, ``aggregate`` (means), ``mcda``
(TOPSIS, outranking, Kemeny, Mazziotta–Pareto), ``coupling`` (coupling coordination),
``audit`` (statistics, correlations, reliability), ``sensitivity`` (Saltelli/Sobol),
``pipeline`` (recipe, build, regenerate).
"""
