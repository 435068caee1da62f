"""A binary min-heap on two parallel arrays (keys, values), compiled with numba.

Shared by the Dijkstra kernels and the contraction hierarchy.
"""

from __future__ import annotations

import numba as nb


@nb.njit(cache=True)
def heap_push(key, val, size, k, x):  # pragma: no cover - compiled
    """Insert value ``x`` with key ``k`` into a heap of ``size`` items; return the new size."""
    i = size
    while i > 0:
        p = (i - 1) >> 1
        if key[p] <= k:
            break
        key[i] = key[p]
        val[i] = val[p]
        i = p
    key[i] = k
    val[i] = x
    return size + 1


@nb.njit(cache=True)
def heap_pop(key, val, size):  # pragma: no cover - compiled
    """Remove the smallest key; return ``(key, value, new size)``."""
    k0 = key[0]
    x0 = val[0]
    size -= 1
    k = key[size]
    x = val[size]
    i = 0
    while True:
        c = 2 * i + 1
        if c >= size:
            break
        if c + 1 < size and key[c + 1] < key[c]:
            c += 1
        if key[c] >= k:
            break
        key[i] = key[c]
        val[i] = val[c]
        i = c
    key[i] = k
    val[i] = x
    return k0, x0, size
