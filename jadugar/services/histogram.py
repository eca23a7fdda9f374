"""The response-time histogram of the check rollups: 30 slots over fixed log-spaced bounds
(0.5 ms × 1.5^i, i = 0..28), stored as an int array and merged by adding.

Migration 0010 defines the same histogram as plpgsql aggregates (jadugar_hist,
jadugar_hist_merge, jadugar_hist_quantile). Those run a plpgsql loop per row, which was
half the cost of a 1-minute rollup and most of a 90-day chart's 242 ms. The rollups now
build and merge histograms with one native aggregate per slot (count ... filter, sum), and
charts take quantiles from the merged slots in numpy; the plpgsql functions stay for ad
hoc SQL and give the same answers (tests/retention/test_histogram.py).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

# As in migration 0010; stored there as real, so compare as real here too.
BOUNDS = [round(0.5 * 1.5 ** i, 3) for i in range(29)]
SLOTS = len(BOUNDS) + 1
_B = np.array(BOUNDS, dtype=np.float32).astype(np.float64)
_LOWER = np.concatenate(([-np.inf], _B))  # slot k holds [_LOWER[k], _UPPER[k])
_UPPER = np.concatenate((_B, [np.inf]))


def _real(b: float) -> str:
    return f"real '{b}'"


def build_sql(col: str) -> str:
    """SQL aggregate expression: the histogram of `col` over a group, as the plpgsql
    jadugar_hist gives it (slot 1: < 0.5 ms; slot 30: >= the last bound; NULLs skipped)."""
    slots = [f"count(*) filter (where {col} < {_real(BOUNDS[0])})"]
    slots += [f"count(*) filter (where {col} >= {_real(lo)} and {col} < {_real(hi)})"
              for lo, hi in zip(BOUNDS, BOUNDS[1:], strict=False)]
    slots.append(f"count(*) filter (where {col} >= {_real(BOUNDS[-1])})")
    return f"cast(array[{', '.join(slots)}] as int[])"


def merge_sql(col: str) -> str:
    """SQL aggregate expression: the slot-wise sum of the histograms in `col` (NULL when
    every one is NULL, as jadugar_hist_merge)."""
    sums = ", ".join(f"sum({col}[{k}])" for k in range(1, SLOTS + 1))
    return f"case when count({col}) > 0 then cast(array[{sums}] as int[]) end"


def quantiles(hists: np.ndarray, q: float | Sequence[float], lo: np.ndarray,
              hi: np.ndarray) -> np.ndarray:
    """The q-quantile of each histogram row (n × 30): the slot holding position q·(n-1),
    interpolated inside the slot, its ends clamped to the row's known min and max; NaN for
    an empty row. The same arithmetic as jadugar_hist_quantile, for many rows at once.
    Several q give one row of quantiles per q."""
    total = hists.sum(axis=1)
    target = np.multiply.outer(q, total - 1)
    cum = np.cumsum(hists, axis=1)
    # The first slot whose running count passes floor(target); it holds at least one.
    k = np.argmax(cum > np.floor(target)[..., None], axis=-1)
    rows = np.arange(len(hists))
    count = hists[rows, k]
    seen = cum[rows, k] - count
    lower = np.maximum(_LOWER[k], lo)
    upper = np.minimum(_UPPER[k], hi)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = lower + (upper - lower) * (target - seen + 0.5) / count
    return np.where(total > 0, out, np.nan)
