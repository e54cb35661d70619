"""Compiled search for difference arrays (numba): the rounds of `designs.transversal_rounds`.

An R × s array A over Z_n in which, for any two columns, the R row-wise differences are
distinct. Row 0 and column 0 are zero and column 1 increases, which loses nothing: adding a
constant to a column, or reordering the rows, keeps the property. A depth-first search fills
the array column by column, each cell trying values from its own random offset, and gives
up after ``budget`` cells placed or undone so that the caller can restart with new offsets.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["difference_array"]


@njit(cache=True)
def difference_array(n, rows, cols, offsets, budget):  # type: ignore[no-untyped-def]
    """The array (rows × cols, int64), or an empty (0 × 0) array if not found within ``budget``."""
    a = np.zeros((rows, cols), dtype=np.int64)
    used = np.zeros((cols, cols, n), dtype=np.bool_)
    for c in range(cols):
        for j in range(c):
            used[j, c, 0] = True  # row 0 is all zeros
    height = rows - 1
    cells = (cols - 1) * height
    tried = np.full(cells, -1, dtype=np.int64)
    pos = 0
    nodes = 0
    while 0 <= pos < cells:
        nodes += 1
        if nodes > budget:
            return np.zeros((0, 0), dtype=np.int64)
        c = 1 + pos // height
        r = 1 + pos % height
        if tried[pos] >= 0:  # coming back: take the cell's value away
            for j in range(c):
                used[j, c, (a[r, c] - a[r, j]) % n] = False
        placed = False
        for k in range(tried[pos] + 1, n):
            v = k if c == 1 else (offsets[pos] + k) % n
            if c == 1 and v <= a[r - 1, 1]:
                continue
            ok = True
            for j in range(c):
                if used[j, c, (v - a[r, j]) % n]:
                    ok = False
                    break
            if ok:
                for j in range(c):
                    used[j, c, (v - a[r, j]) % n] = True
                a[r, c] = v
                tried[pos] = k
                placed = True
                break
        if placed:
            pos += 1
        else:
            tried[pos] = -1
            pos -= 1
    if pos == cells:
        return a
    return np.zeros((0, 0), dtype=np.int64)
