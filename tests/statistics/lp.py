"""An attacker's check of a published table, by linear programming (SciPy).

Independent of the suppression code: it reads only what is published (a
``SuppressedTable``: cells, row totals, column totals, grand total, with ``"[c]"`` where
hidden) and, for each hidden value, asks ``scipy.optimize.linprog`` for the smallest and
largest value it could take given every published figure, the additivity of the table
and non-negative counts. A hidden value whose smallest and largest possible values are
equal can be recovered exactly.

Reusable for any published two-way table (issue 9's statistics pages):
``assert recoverable(published) == {}``.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linprog

from portal.reporting.disclosure_control import CONFIDENTIAL, TOTAL


def ranges(published, minimum=0) -> dict:
    """{coordinate: (smallest, largest)} for each hidden figure; largest is inf when unbounded.
    ``minimum``: what the attacker knows a hidden count is at least (1 where zeros are
    always published, as they are)."""
    return {rc: span for (_, rc), span in ranges_together([published], minimum=minimum).items()}


def ranges_together(tables, links=(), minimum=0) -> dict:
    """Like ``ranges`` for several published tables read side by side: ``links`` lists
    groups of ``(table index, coordinate)`` that are the same figure, so what one table
    prints (or implies) about it holds in the others. Keys are ``(table index, coordinate)``."""
    hidden = []
    for t, published in enumerate(tables):
        rows, cols = list(published.rows), list(published.columns)
        coords = [(r, c) for r in rows + [TOTAL] for c in cols + [TOTAL]]
        hidden += [(t, rc) for rc in coords if published.value(*rc) == CONFIDENTIAL]
    if not hidden:
        return {}
    index = {key: k for k, key in enumerate(hidden)}

    equations = []  # (coefficients over hidden, right-hand side)

    def add_equation(terms):
        # sum(sign * figure) == 0 over (sign, table index, coordinate); known values move right.
        coefficients = np.zeros(len(hidden))
        rhs = 0.0
        for sign, t, rc in terms:
            v = tables[t].value(*rc)
            if v == CONFIDENTIAL:
                coefficients[index[(t, rc)]] += sign
            else:
                rhs -= sign * v
        equations.append((coefficients, rhs))

    for t, published in enumerate(tables):
        rows, cols = list(published.rows), list(published.columns)

        def add_sum(parts, total):
            add_equation([(1.0, t, p) for p in parts] + [(-1.0, t, total)])

        for r in rows:
            add_sum([(r, c) for c in cols], (r, TOTAL))
        for c in cols:
            add_sum([(r, c) for r in rows], (TOTAL, c))
        add_sum([(r, TOTAL) for r in rows], (TOTAL, TOTAL))
        add_sum([(TOTAL, c) for c in cols], (TOTAL, TOTAL))
    for group in links:
        first, *others = group
        for other in others:
            add_equation([(1.0, *first), (-1.0, *other)])

    a_eq = np.array([e[0] for e in equations])
    b_eq = np.array([e[1] for e in equations])
    out = {}
    for key, k in index.items():
        objective = np.zeros(len(hidden))
        objective[k] = 1.0
        low = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=(minimum, None), method="highs")
        assert low.status == 0, f"published figures are inconsistent: {low.message}"
        high = linprog(-objective, A_eq=a_eq, b_eq=b_eq, bounds=(minimum, None), method="highs")
        if high.status == 3:  # unbounded
            largest = float("inf")
        else:
            assert high.status == 0, high.message
            largest = -high.fun
        out[key] = (low.fun, largest)
    return out


def recoverable(published, minimum=0) -> dict:
    """Hidden figures whose value the published figures pin down: {coordinate: value}."""
    return {rc: lo for rc, (lo, hi) in ranges(published, minimum).items() if hi - lo < 0.5}


def recoverable_together(tables, links=(), minimum=0) -> dict:
    """``recoverable`` for tables read side by side: {(table index, coordinate): value}.
    Integer counts: a range less than 1 wide holds one count at most."""
    return {key: lo for key, (lo, hi) in ranges_together(tables, links, minimum).items() if hi - lo < 1 - 1e-9}
