"""Contraction hierarchy (CH) and PHAST one-to-all sweeps, compiled with numba.

Preprocessing contracts nodes one by one in order of a lazily updated priority (edge
difference + contracted neighbours). When a node ``v`` is contracted, a shortcut ``u → w`` with
weight ``w(u, v) + w(v, w)`` is added unless a local witness search finds a path ``u → w``
avoiding ``v`` that is no longer. A search stopped early only adds superfluous shortcuts, so the
hierarchy is exact whatever the search limits.

PHAST (Delling et al. 2011) then answers one source in two phases: a Dijkstra search in the
upward graph from the source, followed by one linear sweep over all nodes in decreasing rank
relaxing downward arcs. All weights are sums of original arc times, so results equal Dijkstra's
up to float64 summation order (~1e-12 s).
"""

from __future__ import annotations

import numba as nb
import numpy as np

from ._heap import heap_pop as _heap_pop
from ._heap import heap_push as _heap_push

# ruff: noqa: PLR0913 - flat array kernels for numba

_SETTLE_LIMIT = 60


@nb.njit(cache=True)
def _witness(
    src, skip, limit, e_head, e_w, out_first, e_next_out, contracted, dist, stamp, tag, hkey, hval
):  # pragma: no cover - compiled
    """Bounded Dijkstra from ``src`` avoiding ``skip``; distances valid where ``stamp == tag``."""
    dist[src] = 0.0
    stamp[src] = tag
    size = _heap_push(hkey, hval, 0, 0.0, src)
    settled = 0
    while size > 0:
        d, x, size = _heap_pop(hkey, hval, size)
        if d > dist[x]:
            continue
        if d > limit or settled >= _SETTLE_LIMIT:
            break
        settled += 1
        e = out_first[x]
        while e >= 0:
            y = e_head[e]
            if not contracted[y] and y != skip:
                nd = d + e_w[e]
                if stamp[y] != tag or nd < dist[y]:
                    dist[y] = nd
                    stamp[y] = tag
                    if size < hkey.shape[0]:
                        size = _heap_push(hkey, hval, size, nd, y)
            e = e_next_out[e]


@nb.njit(cache=True)
def _contract_node(
    v,
    apply,
    n_e,
    e_tail,
    e_head,
    e_w,
    out_first,
    in_first,
    e_next_out,
    e_next_in,
    contracted,
    dist,
    stamp,
    tagbox,
    hkey,
    hval,
):  # pragma: no cover - compiled
    """Count (``apply=False``) or add (``apply=True``) the shortcuts needed to contract ``v``."""
    added = 0
    max_out = 0.0
    e = out_first[v]
    while e >= 0:
        if not contracted[e_head[e]] and e_w[e] > max_out:
            max_out = e_w[e]
        e = e_next_out[e]
    ei = in_first[v]
    while ei >= 0:
        u = e_tail[ei]
        if not contracted[u]:
            tagbox[0] += 1
            tag = tagbox[0]
            _witness(
                u,
                v,
                e_w[ei] + max_out,
                e_head,
                e_w,
                out_first,
                e_next_out,
                contracted,
                dist,
                stamp,
                tag,
                hkey,
                hval,
            )
            eo = out_first[v]
            while eo >= 0:
                w = e_head[eo]
                if w != u and not contracted[w]:
                    via = e_w[ei] + e_w[eo]
                    if not (stamp[w] == tag and dist[w] <= via):
                        added += 1
                        if apply:
                            n_e = _add_arc(
                                u,
                                w,
                                via,
                                n_e,
                                e_tail,
                                e_head,
                                e_w,
                                out_first,
                                in_first,
                                e_next_out,
                                e_next_in,
                            )
                            if n_e < 0:
                                return added, n_e
                eo = e_next_out[eo]
        ei = e_next_in[ei]
    return added, n_e


@nb.njit(cache=True)
def _add_arc(
    u, w, weight, n_e, e_tail, e_head, e_w, out_first, in_first, e_next_out, e_next_in
):  # pragma: no cover - compiled
    """Add ``u → w`` or lower an existing one; return the new arc count (``-1`` when full)."""
    e = out_first[u]
    while e >= 0:
        if e_head[e] == w:
            e_w[e] = min(e_w[e], weight)
            return n_e
        e = e_next_out[e]
    if n_e >= e_head.shape[0]:
        return -1
    e_tail[n_e] = u
    e_head[n_e] = w
    e_w[n_e] = weight
    e_next_out[n_e] = out_first[u]
    out_first[u] = n_e
    e_next_in[n_e] = in_first[w]
    in_first[w] = n_e
    return n_e + 1


@nb.njit(cache=True)
def build_ch(n, tails, heads, weights, capacity):  # pragma: no cover - compiled
    """Contract every node; return ``(rank, e_tail, e_head, e_w)`` or ``rank[0] = -1`` if full."""
    e_tail = np.empty(capacity, dtype=np.int64)
    e_head = np.empty(capacity, dtype=np.int64)
    e_w = np.empty(capacity, dtype=np.float64)
    e_next_out = np.empty(capacity, dtype=np.int64)
    e_next_in = np.empty(capacity, dtype=np.int64)
    out_first = np.full(n, -1, dtype=np.int64)
    in_first = np.full(n, -1, dtype=np.int64)
    n_e = 0
    for k in range(tails.shape[0]):
        n_e = _add_arc(
            tails[k],
            heads[k],
            weights[k],
            n_e,
            e_tail,
            e_head,
            e_w,
            out_first,
            in_first,
            e_next_out,
            e_next_in,
        )
    contracted = np.zeros(n, dtype=np.bool_)
    level = np.zeros(n, dtype=np.int64)
    dist = np.empty(n, dtype=np.float64)
    stamp = np.zeros(n, dtype=np.int64)
    tagbox = np.zeros(1, dtype=np.int64)
    hkey = np.empty(4 * n + 16, dtype=np.float64)
    hval = np.empty(4 * n + 16, dtype=np.int64)
    pkey = np.empty(16 * n + 16, dtype=np.float64)
    pval = np.empty(16 * n + 16, dtype=np.int64)
    psize = 0
    for v in range(n):
        psize = _heap_push(
            pkey,
            pval,
            psize,
            _priority(
                v,
                n_e,
                e_tail,
                e_head,
                e_w,
                out_first,
                in_first,
                e_next_out,
                e_next_in,
                contracted,
                level,
                dist,
                stamp,
                tagbox,
                hkey,
                hval,
            ),
            v,
        )
    rank = np.full(n, -1, dtype=np.int64)
    order = 0
    while psize > 0:
        _, v, psize = _heap_pop(pkey, pval, psize)
        if contracted[v]:
            continue
        q = _priority(
            v,
            n_e,
            e_tail,
            e_head,
            e_w,
            out_first,
            in_first,
            e_next_out,
            e_next_in,
            contracted,
            level,
            dist,
            stamp,
            tagbox,
            hkey,
            hval,
        )
        if psize > 0 and q > pkey[0] and psize < pkey.shape[0]:
            psize = _heap_push(pkey, pval, psize, q, v)
            continue
        _, n_e = _contract_node(
            v,
            True,
            n_e,
            e_tail,
            e_head,
            e_w,
            out_first,
            in_first,
            e_next_out,
            e_next_in,
            contracted,
            dist,
            stamp,
            tagbox,
            hkey,
            hval,
        )
        if n_e < 0:
            rank[0] = -1
            return rank, e_tail[:0], e_head[:0], e_w[:0]
        contracted[v] = True
        rank[v] = order
        order += 1
        e = out_first[v]
        while e >= 0:
            level[e_head[e]] = max(level[e_head[e]], level[v] + 1)
            e = e_next_out[e]
        e = in_first[v]
        while e >= 0:
            level[e_tail[e]] = max(level[e_tail[e]], level[v] + 1)
            e = e_next_in[e]
    return rank, e_tail[:n_e], e_head[:n_e], e_w[:n_e]


@nb.njit(cache=True)
def _priority(
    v,
    n_e,
    e_tail,
    e_head,
    e_w,
    out_first,
    in_first,
    e_next_out,
    e_next_in,
    contracted,
    level,
    dist,
    stamp,
    tagbox,
    hkey,
    hval,
):  # pragma: no cover - compiled
    degree = 0
    e = out_first[v]
    while e >= 0:
        degree += not contracted[e_head[e]]
        e = e_next_out[e]
    e = in_first[v]
    while e >= 0:
        degree += not contracted[e_tail[e]]
        e = e_next_in[e]
    added, _ = _contract_node(
        v,
        False,
        n_e,
        e_tail,
        e_head,
        e_w,
        out_first,
        in_first,
        e_next_out,
        e_next_in,
        contracted,
        dist,
        stamp,
        tagbox,
        hkey,
        hval,
    )
    return float(2 * added - degree + level[v])


@nb.njit(cache=True, parallel=True)
def phast_many(
    up_indptr, up_indices, up_w, down_indptr, down_indices, down_w, sources, targets, n_chunks
):  # pragma: no cover - compiled
    """Distances from each source (rank-ordered node ids, 0 = highest) to each target.

    ``up_*``: CSR of upward arcs (to higher rank = lower id). ``down_*``: CSR by head of downward
    arcs, listing for each node ``v`` its in-arcs from higher-ranked nodes.
    """
    n = up_indptr.shape[0] - 1
    ns = sources.shape[0]
    out = np.empty((ns, targets.shape[0]))
    for c in nb.prange(n_chunks):
        lo = c * ns // n_chunks
        hi = (c + 1) * ns // n_chunks
        if lo >= hi:
            continue
        dist = np.empty(n, dtype=np.float64)
        hkey = np.empty(up_indices.shape[0] + 1, dtype=np.float64)
        hval = np.empty(up_indices.shape[0] + 1, dtype=np.int64)
        for i in range(lo, hi):
            dist[:] = np.inf
            s = sources[i]
            dist[s] = 0.0
            size = _heap_push(hkey, hval, 0, 0.0, s)
            while size > 0:
                d, x, size = _heap_pop(hkey, hval, size)
                if d > dist[x]:
                    continue
                for k in range(up_indptr[x], up_indptr[x + 1]):
                    y = up_indices[k]
                    nd = d + up_w[k]
                    if nd < dist[y]:
                        dist[y] = nd
                        size = _heap_push(hkey, hval, size, nd, y)
            for v in range(n):
                best = dist[v]
                for k in range(down_indptr[v], down_indptr[v + 1]):
                    nd = dist[down_indices[k]] + down_w[k]
                    best = min(best, nd)
                dist[v] = best
            for j in range(targets.shape[0]):
                out[i, j] = dist[targets[j]]
    return out


def hierarchy_arrays(indptr: np.ndarray, indices: np.ndarray, weights: np.ndarray):
    """Build the CH of a CSR graph; return ``(new_id, up CSR triple, down CSR triple)`` or ``None``.

    ``new_id[v]`` is node ``v``'s position in decreasing rank order. ``None`` means the shortcut
    capacity was exceeded (the caller falls back to Dijkstra).
    """
    n = indptr.shape[0] - 1
    tails = np.repeat(np.arange(n, dtype=np.int64), np.diff(indptr))
    rank, t, h, w = build_ch(n, tails, indices.astype(np.int64), weights, 6 * len(indices) + 16)
    if n and rank[0] < 0:
        return None
    new_id = (n - 1) - rank
    t, h = new_id[t], new_id[h]
    up = h < t

    def csr(rows: np.ndarray, cols: np.ndarray, vals: np.ndarray):
        order = np.lexsort((cols, rows))
        ptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(rows, minlength=n), out=ptr[1:])
        return ptr, cols[order].astype(np.int64), vals[order].astype(np.float64)

    return new_id, csr(t[up], h[up], w[up]), csr(h[~up], t[~up], w[~up])
