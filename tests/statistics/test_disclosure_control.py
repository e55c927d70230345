"""Statistical disclosure control (portal/reporting/disclosure_control.py).

Crafted tables with exactly the expected cells suppressed; determinism and idempotence;
and, for crafted and seeded random tables, an attacker's check by linear programming
(tests/statistics/lp.py) that no suppressed value can be recovered exactly.
"""

import random

import pytest

from portal.reporting.disclosure_control import CONFIDENTIAL, TOTAL, SuppressedTable, exposed_cells, suppress
from tests.statistics.lp import ranges, recoverable

C = CONFIDENTIAL


def table(rows: dict, columns: str) -> dict:
    """{'r1': [1, 2, 3]} with columns 'ABC' -> {'r1': {'A': 1, 'B': 2, 'C': 3}}."""
    return {r: dict(zip(columns, values, strict=True)) for r, values in rows.items()}


def published_with(tbl: dict, pattern) -> SuppressedTable:
    """A table published with an arbitrary suppression pattern (to test the checker itself)."""
    rows = list(tbl)
    cols = list(next(iter(tbl.values())))
    pattern = frozenset(pattern)

    def show(rc, v):
        return C if rc in pattern else v

    rt = {r: sum(tbl[r].values()) for r in rows}
    ct = {c: sum(tbl[r][c] for r in rows) for c in cols}
    return SuppressedTable(
        rows=tuple(rows),
        columns=tuple(cols),
        cells={r: {c: show((r, c), tbl[r][c]) for c in cols} for r in rows},
        row_totals={r: show((r, TOTAL), rt[r]) for r in rows},
        column_totals={c: show((TOTAL, c), ct[c]) for c in cols},
        grand_total=show((TOTAL, TOTAL), sum(rt.values())),
        suppressed=pattern,
        primary=frozenset(),
    )


def assert_safe(tbl, result):
    """Every rule, checked from the outside."""
    rows, cols = list(result.rows), list(result.columns)
    # Primary: every 1-4 hidden; zeros always shown.
    for r in rows:
        for c in cols:
            v = tbl[r].get(c, 0)
            if 1 <= v <= 4:
                assert result.cells[r][c] == C, (r, c)
            if v == 0:
                assert result.cells[r][c] == 0, (r, c)
            if result.cells[r][c] != C:
                assert result.cells[r][c] == v
    # Line rule, totals row and column included: 0 or at least 2 hidden per line.
    for r in rows + [TOTAL]:
        hidden = sum(1 for c in cols + [TOTAL] if result.value(r, c) == C)
        assert hidden != 1, ("row", r)
    for c in cols + [TOTAL]:
        hidden = sum(1 for r in rows + [TOTAL] if result.value(r, c) == C)
        assert hidden != 1, ("column", c)
    # The attacker's check by linear programming.
    assert recoverable(result) == {}
    assert exposed_cells(tbl, result.suppressed, columns=cols) == []


# --- Crafted tables -----------------------------------------------------------------------


def test_nothing_small_nothing_suppressed():
    t = table({"r1": [10, 20, 0], "r2": [5, 0, 30]}, "ABC")
    result = suppress(t)
    assert result.suppressed == frozenset()
    assert result.cells == t
    assert result.row_totals == {"r1": 30, "r2": 35}
    assert result.column_totals == {"A": 15, "B": 20, "C": 30}
    assert result.grand_total == 65


def test_two_small_cells_pair_with_the_smallest_other_cells():
    t = table({"r1": [3, 10, 20], "r2": [8, 2, 30], "r3": [15, 25, 40]}, "ABC")
    result = suppress(t)
    assert result.primary == {("r1", "A"), ("r2", "B")}
    assert result.suppressed == {("r1", "A"), ("r1", "B"), ("r2", "A"), ("r2", "B")}
    assert result.as_rows() == [
        ["", "A", "B", "C", "Total"],
        ["r1", C, C, 20, 33],
        ["r2", C, C, 30, 40],
        ["r3", 15, 25, 40, 80],
        ["Total", 26, 37, 90, 153],
    ]
    assert not result.any_total_suppressed
    assert_safe(t, result)


def test_a_rectangle_of_small_cells_needs_nothing_more():
    t = table({"r1": [1, 4, 50], "r2": [2, 3, 60], "r3": [40, 30, 70]}, "ABC")
    result = suppress(t)
    assert result.suppressed == {("r1", "A"), ("r1", "B"), ("r2", "A"), ("r2", "B")}
    assert_safe(t, result)


def test_zeros_are_not_suppressed_and_do_not_count():
    # Row r1: the 3 pairs with 7 (smallest non-zero), never with the 0s.
    t = table({"r1": [3, 0, 12, 7], "r2": [20, 0, 9, 11], "r3": [0, 0, 30, 15]}, "ABCD")
    result = suppress(t)
    assert result.cells["r1"]["B"] == 0 and result.cells["r3"]["A"] == 0
    # r1: A (3) + D (7). Column A: pair with r2 A (20; r3 A is 0). Column D: pair with
    # r2 D (11, the smallest other non-zero). Row r2: A and D, two: stable.
    assert result.suppressed == {("r1", "A"), ("r1", "D"), ("r2", "A"), ("r2", "D")}
    assert_safe(t, result)


def test_secondary_suppression_cascades_until_stable():
    t = table({"r1": [2, 9, 40, 50], "r2": [30, 6, 8, 60], "r3": [35, 45, 7, 10], "r4": [33, 44, 55, 66]}, "ABCD")
    result = suppress(t)
    # r1 A (primary) pairs with r1 B (9). Column A pairs with r2 A (30). Column B then has
    # r1 B: pairs with r2 B (6). Row r2 has A and B: stable.
    assert result.primary == {("r1", "A")}
    assert result.suppressed == {("r1", "A"), ("r1", "B"), ("r2", "A"), ("r2", "B")}
    assert_safe(t, result)


def test_ties_go_to_the_earlier_cell():
    t = table({"r1": [2, 6, 6], "r2": [9, 6, 6], "r3": [9, 6, 6]}, "ABC")
    result = suppress(t)
    # Row r1: B before C. Column A: r2 before r3 (both 9). Column B: r1 B then r2 B
    # (6, earlier than r3). Row r2: A and B. Stable.
    assert result.suppressed == {("r1", "A"), ("r1", "B"), ("r2", "A"), ("r2", "B")}
    assert_safe(t, result)


def test_column_order_can_be_given():
    t = table({"r1": [2, 6, 6], "r2": [9, 6, 6], "r3": [9, 6, 6]}, "ABC")
    result = suppress(t, columns=["A", "C", "B"])
    assert result.columns == ("A", "C", "B")
    assert ("r1", "C") in result.suppressed and ("r1", "B") not in result.suppressed
    assert_safe(t, result)


def test_a_lone_non_zero_cell_in_a_row_hides_the_row_total():
    # Row a: the 3 is its only non-zero cell, so its total (3) would give it away.
    t = table({"a": [3, 0], "b": [10, 20]}, "xy")
    result = suppress(t)
    assert result.suppressed == {("a", "x"), ("a", TOTAL), ("b", "x"), ("b", TOTAL)}
    assert result.as_rows() == [["", "x", "y", "Total"], ["a", C, 0, C], ["b", C, 20, C], ["Total", 13, 20, 33]]
    assert result.any_total_suppressed
    assert_safe(t, result)


def test_a_lone_non_zero_cell_in_a_column_hides_the_column_total():
    t = table({"a": [3, 10, 12], "b": [0, 15, 9]}, "xyz")
    result = suppress(t)
    # Column x's total is 3. Lines in order: row a: x pairs with y (10). Column x: b x is 0,
    # so only x's total (3) remains to pair with. Column y: a y pairs with b y (15, smaller
    # than y's total 25). Second pass: row b: b y pairs with b z (9). Totals row: x's total
    # pairs with z's (21, the smallest other total). Column z: b z and its total. Stable.
    assert result.suppressed == {("a", "x"), ("a", "y"), ("b", "y"), ("b", "z"), (TOTAL, "x"), (TOTAL, "z")}
    assert result.row_totals == {"a": 25, "b": 24}
    assert result.column_totals == {"x": C, "y": 25, "z": C}
    assert result.grand_total == 49
    assert_safe(t, result)


def test_a_one_row_table():
    t = {"all": {"A": 3, "B": 10, "C": 12}}
    result = suppress(t)
    assert result.suppressed == {("all", "A"), ("all", "B"), (TOTAL, "A"), (TOTAL, "B")}
    assert_safe(t, result)


def test_two_blocks_joined_by_one_cell_are_linked_once_more():
    # The primary cells alone leave two or more per line, yet r2 C (2) is the only link
    # between block {r1, r2} x {A, B} and block {r3, r4} x {C, D}: it would be recovered
    # as (r1 + r2 hidden) - (A + B hidden). The cheapest further link is r1 C (50).
    t = table({"r1": [1, 2, 50, 60], "r2": [3, 4, 2, 70], "r3": [80, 90, 1, 2], "r4": [85, 95, 3, 4]}, "ABCD")
    naive = published_with(t, {rc for rc in ((r, c) for r in t for c in "ABCD") if 1 <= t[rc[0]][rc[1]] <= 4})
    assert recoverable(naive) == {("r2", "C"): 2}
    assert exposed_cells(t, naive.suppressed) == [("r2", "C")]

    result = suppress(t)
    assert result.suppressed == result.primary | {("r1", "C")}
    assert len(result.primary) == 9
    assert_safe(t, result)


def test_the_checker_catches_a_lone_suppressed_cell():
    t = table({"r1": [3, 10], "r2": [12, 20]}, "AB")
    assert recoverable(published_with(t, {("r1", "A")})) == {("r1", "A"): 3}
    assert recoverable(published_with(t, {("r1", "A"), ("r1", "B")})) == {("r1", "A"): 3, ("r1", "B"): 10}
    safe = published_with(t, {("r1", "A"), ("r1", "B"), ("r2", "A"), ("r2", "B")})
    assert recoverable(safe) == {}
    assert ranges(safe)[("r1", "A")] == pytest.approx((0.0, 13.0))


def test_all_zero_and_empty_tables():
    assert suppress({}).suppressed == frozenset()
    assert suppress({}).grand_total == 0
    result = suppress(table({"r1": [0, 0], "r2": [0, 0]}, "AB"))
    assert result.suppressed == frozenset() and result.grand_total == 0


def test_missing_cells_count_as_zero():
    result = suppress({"r1": {"A": 10, "B": 20}, "r2": {"B": 30}})
    assert result.columns == ("A", "B")
    assert result.cells["r2"] == {"A": 0, "B": 30}
    assert result.column_totals == {"A": 10, "B": 50}


def test_every_small_value_is_primary():
    for v in range(8):
        t = table({"r1": [v, 10], "r2": [10, 10]}, "AB")
        assert (("r1", "A") in suppress(t).primary) is (1 <= v <= 4), v


def test_bad_input_is_refused():
    with pytest.raises(ValueError):
        suppress({"r1": {"A": -1}})
    with pytest.raises(ValueError):
        suppress({"r1": {"A": 2.5}})
    with pytest.raises(ValueError):
        suppress({"r1": {"A": True}})
    with pytest.raises(ValueError):
        suppress({"r1": {"A": 1}}, columns=["B"])
    with pytest.raises(ValueError):
        suppress({TOTAL: {"A": 1}})
    with pytest.raises(TypeError):
        suppress([[1, 2]])
    with pytest.raises(ValueError):
        suppress({"r1": {"A": 1}}, also=[("nope", "A")])


# --- Determinism and idempotence --------------------------------------------------------


CRAFTED = [
    table({"r1": [3, 10, 20], "r2": [8, 2, 30], "r3": [15, 25, 40]}, "ABC"),
    table({"a": [3, 0], "b": [10, 20]}, "xy"),
    table({"a": [3, 10, 12], "b": [0, 15, 9]}, "xyz"),
    table({"r1": [1, 2, 50, 60], "r2": [3, 4, 2, 70], "r3": [80, 90, 1, 2], "r4": [85, 95, 3, 4]}, "ABCD"),
    table({"r1": [2, 9, 40, 50], "r2": [30, 6, 8, 60], "r3": [35, 45, 7, 10], "r4": [33, 44, 55, 66]}, "ABCD"),
]


@pytest.mark.parametrize("t", CRAFTED)
def test_same_table_same_result(t):
    assert suppress(t) == suppress(t)
    assert suppress(dict(t)) == suppress(t)


@pytest.mark.parametrize("t", CRAFTED)
def test_idempotent_given_its_own_pattern(t):
    first = suppress(t)
    again = suppress(t, also=first.suppressed)
    assert again.suppressed == first.suppressed
    assert again.as_rows() == first.as_rows()


def test_also_suppresses_more_and_stays_safe():
    t = table({"r1": [30, 10, 20], "r2": [8, 12, 30], "r3": [15, 25, 40]}, "ABC")
    assert suppress(t).suppressed == frozenset()
    result = suppress(t, also=[("r1", "A")])
    assert ("r1", "A") in result.suppressed
    assert result.primary == frozenset()
    assert_safe(t, result)
    # A zero named in ``also`` stays published.
    z = table({"r1": [0, 10], "r2": [10, 10]}, "AB")
    assert suppress(z, also=[("r1", "A")]).suppressed == frozenset()


# --- Random tables: the attacker's check ------------------------------------------------


def _random_table(rng: random.Random) -> dict:
    n_rows, n_cols = rng.randint(1, 7), rng.randint(1, 7)
    style = rng.choice(("sparse", "small", "mixed", "large"))

    def value():
        roll = rng.random()
        if style == "sparse":
            return 0 if roll < 0.55 else rng.randint(1, 4) if roll < 0.8 else rng.randint(5, 40)
        if style == "small":
            return 0 if roll < 0.15 else rng.randint(1, 4) if roll < 0.65 else rng.randint(5, 12)
        if style == "large":
            return 0 if roll < 0.05 else rng.randint(1, 4) if roll < 0.15 else rng.randint(5, 500)
        return 0 if roll < 0.25 else rng.randint(1, 4) if roll < 0.55 else rng.randint(5, 80)

    return {f"r{i}": {f"c{j}": value() for j in range(n_cols)} for i in range(n_rows)}


@pytest.mark.parametrize("seed", range(12))
def test_random_tables_no_suppressed_value_can_be_recovered(seed):
    rng = random.Random(1000 + seed)
    for _ in range(15):
        t = _random_table(rng)
        result = suppress(t)
        assert_safe(t, result)
        assert suppress(t, also=result.suppressed).suppressed == result.suppressed


def test_larger_random_tables():
    rng = random.Random(77)
    for _ in range(6):
        t = {
            f"area{i}": {
                f"m{j}": (0 if rng.random() < 0.3 else rng.choice((1, 2, 3, 4, 5, 9, 17, 60))) for j in range(12)
            }
            for i in range(rng.randint(8, 15))
        }
        assert_safe(t, suppress(t))


def test_exposed_cells_agrees_with_linear_programming_on_arbitrary_patterns():
    """exposed_cells (graph rule) names exactly what linear programming can recover."""
    rng = random.Random(4242)
    for _ in range(120):
        t = _random_table(rng)
        rows, cols = list(t), list(next(iter(t.values())))
        coords = [(r, c) for r in rows + [TOTAL] for c in cols + [TOTAL]]
        positive = [rc for rc in coords if _true_value(t, *rc) > 0]
        pattern = {rc for rc in positive if rng.random() < 0.4}
        checked = published_with(t, pattern)
        assert set(exposed_cells(t, pattern)) == set(recoverable(checked)), (t, pattern)


def _true_value(t, r, c):
    if r is TOTAL and c is TOTAL:
        return sum(sum(row.values()) for row in t.values())
    if r is TOTAL:
        return sum(row[c] for row in t.values())
    if c is TOTAL:
        return sum(t[r].values())
    return t[r][c]
