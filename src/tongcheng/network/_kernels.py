"""Compiled (numba) kernels: graph peeling and contraction, many-to-many Dijkstra.

Everything here works on plain CSR arrays (``indptr``, ``indices``, ``weights``) and is private;
the public functions in :mod:`.graph` and :mod:`.matrix` validate input before calling in.
"""

from __future__ import annotations

import numba as nb
import numpy as np

from ._heap import heap_pop, heap_push

_INF = np.inf


@nb.njit(cache=True)
def peel(und_indptr, und_indices, keep):  # pragma: no cover - compiled
    """Return the alive mask after repeatedly removing unkept nodes of undirected degree <= 1."""
    n = und_indptr.shape[0] - 1
    alive = np.ones(n, dtype=np.bool_)
    deg = np.empty(n, dtype=np.int64)
    stack = np.empty(n, dtype=np.int64)
    top = 0
    for v in range(n):
        deg[v] = und_indptr[v + 1] - und_indptr[v]
        if deg[v] <= 1 and not keep[v]:
            alive[v] = False
            stack[top] = v
            top += 1
    while top > 0:
        top -= 1
        v = stack[top]
        for k in range(und_indptr[v], und_indptr[v + 1]):
            u = und_indices[k]
            if alive[u]:
                deg[u] -= 1
                if deg[u] <= 1 and not keep[u]:
                    alive[u] = False
                    stack[top] = u
                    top += 1
    return alive


@nb.njit(cache=True)
def contract_chains(indptr, indices, weights, und_indptr, und_indices, alive, keep):  # noqa: PLR0912
    """Replace chains of unkept undirected-degree-2 nodes by single arcs.

    Returns ``(is_core, tails, heads, times)``: which alive nodes stay, and the arcs between them
    (old node numbering; parallel arcs not yet collapsed).
    """
    n = indptr.shape[0] - 1
    nbr_a = np.full(n, -1, dtype=np.int64)
    nbr_b = np.full(n, -1, dtype=np.int64)
    is_core = np.zeros(n, dtype=np.bool_)
    for v in range(n):
        if not alive[v]:
            continue
        cnt = 0
        for k in range(und_indptr[v], und_indptr[v + 1]):
            u = und_indices[k]
            if alive[u]:
                if cnt == 0:
                    nbr_a[v] = u
                elif cnt == 1:
                    nbr_b[v] = u
                cnt += 1
        is_core[v] = keep[v] or cnt != 2
    m = indices.shape[0]
    tails = np.empty(m, dtype=np.int64)
    heads = np.empty(m, dtype=np.int64)
    times = np.empty(m, dtype=np.float64)
    out = 0
    for s in range(n):
        if not is_core[s]:
            continue
        for k in range(indptr[s], indptr[s + 1]):
            prev = s
            cur = indices[k]
            if not alive[cur]:
                continue
            total = weights[k]
            ok = True
            while not is_core[cur]:
                nxt = nbr_b[cur] if nbr_a[cur] == prev else nbr_a[cur]
                found = False
                for j in range(indptr[cur], indptr[cur + 1]):
                    if indices[j] == nxt:
                        total += weights[j]
                        found = True
                        break
                if not found:
                    ok = False
                    break
                prev = cur
                cur = nxt
            if ok and cur != s:
                tails[out] = s
                heads[out] = cur
                times[out] = total
                out += 1
    return is_core, tails[:out], heads[:out], times[:out]


@nb.njit(cache=True)
def _dijkstra_targets(  # noqa: PLR0913 - flat arrays for numba
    indptr,
    indices,
    weights,
    source,
    target_slot,
    n_targets,
    cutoff,
    dist,
    stamp,
    done,
    tag,
    heap_key,
    heap_node,
    row,
):  # pragma: no cover
    """One Dijkstra from ``source``; write settled target distances into ``row``; stop early."""
    dist[source] = 0.0
    stamp[source] = tag
    size = 1
    heap_key[0] = 0.0
    heap_node[0] = source
    remaining = n_targets
    while size > 0 and remaining > 0:
        d, v, size = heap_pop(heap_key, heap_node, size)
        if done[v] == tag:
            continue
        if d > cutoff:
            break
        done[v] = tag
        slot = target_slot[v]
        if slot >= 0:
            row[slot] = d
            remaining -= 1
        for k in range(indptr[v], indptr[v + 1]):
            u = indices[k]
            nd = d + weights[k]
            if stamp[u] != tag or nd < dist[u]:
                dist[u] = nd
                stamp[u] = tag
                size = heap_push(heap_key, heap_node, size, nd, u)


@nb.njit(cache=True, parallel=True)
def many_to_many_dijkstra(
    indptr, indices, weights, sources, target_slot, n_targets, cutoff, n_chunks
):  # pragma: no cover - compiled
    """Return a ``(len(sources), n_targets)`` float64 array of shortest travel times (inf if none)."""
    n = indptr.shape[0] - 1
    m = indices.shape[0]
    ns = sources.shape[0]
    out = np.full((ns, n_targets), _INF)
    for c in nb.prange(n_chunks):
        lo = c * ns // n_chunks
        hi = (c + 1) * ns // n_chunks
        if lo >= hi:
            continue
        dist = np.empty(n, dtype=np.float64)
        stamp = np.zeros(n, dtype=np.int64)
        done = np.zeros(n, dtype=np.int64)
        heap_key = np.empty(m + 1, dtype=np.float64)
        heap_node = np.empty(m + 1, dtype=np.int64)
        for i in range(lo, hi):
            _dijkstra_targets(
                indptr,
                indices,
                weights,
                sources[i],
                target_slot,
                n_targets,
                cutoff,
                dist,
                stamp,
                done,
                i + 1,
                heap_key,
                heap_node,
                out[i],
            )
    return out
