"""Peer gates shared by the benchmark scripts.

Every benchmark compares its result with a peer's, computed in the same run, and exits
non-zero when they differ: a benchmark that only printed the difference could report a speed-up
for a wrong answer. Each check prints one ``GATE name: pass|FAIL (detail)`` line; the script
prints its ``RESULT`` line last, then exits with :meth:`Gates.exit_code`.

The hidden option ``--plant-mismatch`` (for ``tests/benchmarks/test_benchmark_gates.py``)
perturbs our result after the timings and before the gates, to prove that they catch it.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np
from numpy.typing import ArrayLike, NDArray


def add_plant_option(parser: argparse.ArgumentParser) -> None:
    """Add the hidden ``--plant-mismatch`` flag (test-only: perturb our result before the gates)."""
    parser.add_argument("--plant-mismatch", action="store_true", help=argparse.SUPPRESS)


def plant(values: ArrayLike, *, at: int = 0) -> NDArray[np.float64]:
    """Return a float copy of ``values`` with the ``at``-th element (flat order) raised by 1."""
    out = np.array(values, dtype=np.float64)
    out.flat[at] += 1.0
    return out


def close(ours: ArrayLike, peer: ArrayLike, *, rtol: float, atol: float) -> tuple[bool, float, int]:
    """Compare elementwise as :func:`numpy.isclose` does, zeros and infinities included.

    ``|ours - peer| <= atol + rtol * |peer|`` must hold everywhere: a non-zero value of ours
    where the peer has zero is a mismatch unless it is within ``atol``; NaN matches only NaN,
    an infinity only the same infinity. Returns whether all agree, the largest absolute
    difference between finite pairs and the number of elements that disagree.
    """
    a, b = np.asarray(ours, dtype=np.float64), np.asarray(peer, dtype=np.float64)
    if a.shape != b.shape:
        return False, float("inf"), max(a.size, b.size)
    ok = np.isclose(a, b, rtol=rtol, atol=atol, equal_nan=True)
    both = np.isfinite(a) & np.isfinite(b)
    diff = float(np.abs(a[both] - b[both]).max()) if both.any() else 0.0
    return bool(ok.all()), diff, int((~ok).sum())


class Gates:
    """Collect the peer checks of one run; print each and decide the exit code."""

    def __init__(self) -> None:
        self.failed: list[str] = []

    def check(self, name: str, ok: bool, detail: str) -> bool:
        """Record and print one check; return ``ok``."""
        print(f"GATE {name}: {'pass' if ok else 'FAIL'} ({detail})")
        if not ok:
            self.failed.append(name)
        return ok

    def exit_code(self) -> int:
        """Return 0 when every check passed, else 1 (after naming the failed checks on stderr)."""
        if self.failed:
            print(f"benchmark result differs from its peer: {', '.join(self.failed)}", file=sys.stderr)
            return 1
        return 0
