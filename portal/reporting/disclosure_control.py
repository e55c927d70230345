"""Statistical disclosure control for two-way tables of counts with row and column totals.

Rules enforced (issue 9 "Statistics"; the privacy notice's "Research and evaluation":
statistical or aggregated data shared with DWP and research organisations "cannot be
used to identify you"; the safeguards for statistical processing of UK GDPR Art. 89(1)):

1. **Primary suppression.** A cell of 1 to 4 is shown as ``[c]``. Zeros are published:
   they are never suppressed and never count as suppressed cells.
2. **Secondary suppression.** Every line (row or column) that holds a suppressed cell
   holds at least two, so that a published total minus the published cells never gives
   one suppressed value. Where a line holds exactly one, the smallest other non-zero cell
   of that line is suppressed too; this repeats until stable.
3. **Totals are part of the system.** Row totals, column totals and the grand total are
   published, so they are treated as a totals column and a totals row of the table: the
   line rule of (2) applies to them too. When a suppressed cell is the only non-zero cell
   of its row (the row total would equal it), the only other non-zero cell of that row is
   its total, and the total is suppressed; the totals row or column then needs a second
   suppressed total in turn. A total is never chosen while a non-zero body cell of the
   same line is available (a total is larger than any other cell of its line), so totals
   show ``[c]`` only in sparse tables where nothing else protects a cell. Totals are not
   themselves subject to rule (1).
4. **No suppressed cell is pinned by the combination of lines.** Rule (2) alone is not
   enough: two separate blocks of suppressed cells joined by a single suppressed cell let
   anyone recover that cell exactly (the sum over one block's rows minus the sum over its
   columns). In graph terms (rows and columns as vertices, suppressed cells as edges) a
   suppressed cell can be recovered exactly from the published figures if and only if it
   is a *bridge*: it lies on no cycle. For each bridge, the cheapest path of further
   cells joining its two ends is suppressed (cheapest: fewest totals, then the smallest
   sum of values, then fewest cells), which puts it on a cycle without leaving any line
   with a single suppressed cell. Then (2) runs again, until neither rule adds a cell.

With every suppressed value positive and every suppressed cell on a cycle, each suppressed
cell can move up and down along its cycle while every published cell and total stays the
same, so no suppressed value can be recovered exactly (tests/statistics check this by
linear programming for crafted and random tables). A reader who also knows that a hidden
count is at least 1 (zeros being published) can still pin some, for example two hidden
cells of a row whose total leaves 2 for them: ``narrowed_together`` finds those, and
``statistics.linked_tables`` hides more until it finds none.

Ties are broken deterministically: among equal values, the cell earlier in the line (by
the order of the table's columns within a row, of its rows within a column) is chosen,
a total last; lines are visited in order: rows top to bottom then the totals row, then
columns left to right then the totals column; bridges are mended in row-then-column
order. The same table therefore always gives the same result.

Pure functions: no database, no Flask.
"""

from __future__ import annotations

import enum
import heapq
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar, cast

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

__all__ = [
    "CONFIDENTIAL",
    "PRIMARY_MIN",
    "PRIMARY_MAX",
    "TOTAL",
    "SuppressedTable",
    "suppress",
    "exposed_cells",
    "narrowed_together",
]

#: What a suppressed cell shows.
CONFIDENTIAL = "[c]"
#: Counts from PRIMARY_MIN to PRIMARY_MAX (inclusive) are suppressed.
PRIMARY_MIN = 1
PRIMARY_MAX = 4


class Margin(enum.Enum):
    """The totals row / totals column, in coordinates: (row, TOTAL) is a row total."""

    TOTAL = "Total"

    def __repr__(self) -> str:
        return "TOTAL"


TOTAL = Margin.TOTAL

Cell = int | str
#: A coordinate: (row, col), with TOTAL for the totals row or column.
Coordinate = tuple[Hashable, Hashable]
RowKey = TypeVar("RowKey", bound=Hashable)
ColumnKey = TypeVar("ColumnKey", bound=Hashable)


@dataclass(frozen=True)
class SuppressedTable:
    """A table as it may be published.

    ``cells[row][col]``, ``row_totals[row]``, ``column_totals[col]`` and ``grand_total`` are
    ints, or ``"[c]"`` where suppressed. ``suppressed`` holds every suppressed coordinate:
    ``(row, col)`` for a body cell, ``(row, TOTAL)`` for a row total, ``(TOTAL, col)`` for
    a column total, ``(TOTAL, TOTAL)`` for the grand total; ``primary`` the body cells
    suppressed for being 1 to 4.
    """

    rows: tuple[Hashable, ...]
    columns: tuple[Hashable, ...]
    cells: dict[Hashable, dict[Hashable, Cell]]
    row_totals: dict[Hashable, Cell]
    column_totals: dict[Hashable, Cell]
    grand_total: Cell
    suppressed: frozenset[Coordinate]
    primary: frozenset[Coordinate]

    def value(self, row: Hashable, col: Hashable) -> Cell:
        """The published value at a coordinate (TOTAL allowed for either part)."""
        if row is TOTAL and col is TOTAL:
            return self.grand_total
        if row is TOTAL:
            return self.column_totals[col]
        if col is TOTAL:
            return self.row_totals[row]
        return self.cells[row][col]

    def is_suppressed(self, row: Hashable, col: Hashable) -> bool:
        return (row, col) in self.suppressed

    @property
    def body_suppressed(self) -> frozenset[Coordinate]:
        """Suppressed body cells only (no totals)."""
        return frozenset(c for c in self.suppressed if TOTAL not in c)

    @property
    def any_total_suppressed(self) -> bool:
        return any(TOTAL in c for c in self.suppressed)

    def as_rows(self, corner: str = "", total_label: str = "Total") -> list[list[object]]:
        """Header then one list per row then the totals row, totals last: for CSV or templates."""
        out: list[list[object]] = [[corner, *self.columns, total_label]]
        for r in self.rows:
            out.append([r, *(self.cells[r][c] for c in self.columns), self.row_totals[r]])
        out.append([total_label, *(self.column_totals[c] for c in self.columns), self.grand_total])
        return out


def suppress(
    table: Mapping[RowKey, Mapping[ColumnKey, int]],
    *,
    columns: Sequence[ColumnKey] | None = None,
    also: Iterable[Coordinate] = (),
) -> SuppressedTable:
    """Apply rules 1–4 of the module docstring to ``table[row][col] -> count``.

    Rows keep the table's order; columns are ``columns`` when given, otherwise every column
    key in order of first appearance. A missing cell counts as 0. ``also`` names further
    coordinates (same form as ``SuppressedTable.suppressed``) to suppress from the start,
    e.g. to keep linked tables consistent; zero cells named there stay published.
    ``suppress(t, also=suppress(t).suppressed) == suppress(t)``.
    """
    rows, cols, grid = _grid(table, columns)
    m, n = len(rows), len(cols)
    row_index: dict[Hashable, int] = {r: i for i, r in enumerate(rows)}
    col_index: dict[Hashable, int] = {c: j for j, c in enumerate(cols)}

    primary = {(i, j) for i in range(m) for j in range(n) if PRIMARY_MIN <= grid[i][j] <= PRIMARY_MAX}
    chosen = set(primary)
    for coordinate in also:
        try:
            r, c = coordinate
            i = m if r is TOTAL else row_index[r]
            j = n if c is TOTAL else col_index[c]
        except (KeyError, TypeError, ValueError):
            raise ValueError(f"not a coordinate of this table: {coordinate!r}") from None
        if grid[i][j] > 0:
            chosen.add((i, j))

    _complete(grid, chosen)

    def shown(i: int, j: int) -> Cell:
        return CONFIDENTIAL if (i, j) in chosen else grid[i][j]

    def key(i: int, j: int) -> Coordinate:
        return (TOTAL if i == m else rows[i], TOTAL if j == n else cols[j])

    return SuppressedTable(
        rows=tuple(rows),
        columns=tuple(cols),
        cells={rows[i]: {cols[j]: shown(i, j) for j in range(n)} for i in range(m)},
        row_totals={rows[i]: shown(i, n) for i in range(m)},
        column_totals={cols[j]: shown(m, j) for j in range(n)},
        grand_total=shown(m, n),
        suppressed=frozenset(key(i, j) for i, j in chosen),
        primary=frozenset(key(i, j) for i, j in primary),
    )


def exposed_cells(
    table: Mapping[RowKey, Mapping[ColumnKey, int]],
    suppressed: Iterable[Coordinate],
    *,
    columns: Sequence[ColumnKey] | None = None,
) -> list[Coordinate]:
    """Suppressed coordinates whose value the published figures would give away exactly.

    A check usable on any suppression pattern (rules 2–4): a suppressed cell is exposed
    when it lies on no cycle of suppressed cells, counting the totals row and column.
    Returns them in row-then-column order. An empty list means the pattern is safe: with
    non-negative counts and every suppressed value positive (as ``suppress`` leaves them),
    each suppressed value then has a range of possible values, not one.
    """
    rows, cols, grid = _grid(table, columns)
    m, n = len(rows), len(cols)
    row_index: dict[Hashable, int] = {r: i for i, r in enumerate(rows)}
    col_index: dict[Hashable, int] = {c: j for j, c in enumerate(cols)}
    chosen: set[GridCell] = set()
    for r, c in suppressed:
        chosen.add((m if r is TOTAL else row_index[r], n if c is TOTAL else col_index[c]))
    return [(TOTAL if i == m else rows[i], TOTAL if j == n else cols[j]) for i, j in sorted(_bridges(chosen))]


def narrowed_together(
    tables: Sequence[SuppressedTable], links: Iterable[Iterable[tuple[int, Coordinate]]] = ()
) -> list[tuple[int, Coordinate]]:
    """Hidden figures that several tables published side by side pin to a single count.

    What a reader knows: every table adds up (rows, columns, totals); ``links`` lists groups
    of ``(table index, coordinate)`` that are the same figure in different tables; and, as
    zeros are always published, every hidden figure is at least 1. For each hidden figure
    a linear programme finds the smallest and largest value it could take; when they are
    less than 1 apart, only one count fits and the figure is given away. Returns
    ``(table index, coordinate)`` pairs in table, then row-then-column order.
    """
    import numpy as np  # noqa: PLC0415 - numpy and scipy take a second to load; only statistics need them
    from scipy.optimize import linprog  # noqa: PLC0415 - numpy and scipy take a second to load; only statistics need them

    variables: dict[tuple[int, Coordinate], int] = {}
    for t, table in enumerate(tables):
        for coordinate in _coordinates(table):
            if table.value(*coordinate) == CONFIDENTIAL:
                variables[(t, coordinate)] = len(variables)
    if not variables:
        return []
    rows_a: list[npt.NDArray[np.float64]] = []
    rows_b: list[float] = []

    def equation(terms: list[tuple[int, tuple[int, Coordinate]]]) -> None:
        # sum(sign * figure) == 0; published figures move to the right-hand side.
        coefficients, rhs = np.zeros(len(variables)), 0.0
        for sign, (t, coordinate) in terms:
            if (t, coordinate) in variables:
                coefficients[variables[(t, coordinate)]] += sign
            else:
                rhs -= sign * cast(int, tables[t].value(*coordinate))  # published: a count
        if coefficients.any():
            rows_a.append(coefficients)
            rows_b.append(rhs)

    for t, table in enumerate(tables):
        for r in [*table.rows, TOTAL]:
            equation([(1, (t, (r, c))) for c in table.columns] + [(-1, (t, (r, TOTAL)))])
        for c in [*table.columns, TOTAL]:
            equation([(1, (t, (r, c))) for r in table.rows] + [(-1, (t, (TOTAL, c)))])
    for group in links:
        first, *others = list(group)
        for other in others:
            equation([(1, first), (-1, other)])

    a_eq, b_eq = np.array(rows_a), np.array(rows_b)
    narrowed = []
    for key, k in variables.items():
        objective = np.zeros(len(variables))
        objective[k] = 1.0
        low = linprog(objective, A_eq=a_eq, b_eq=b_eq, bounds=(1, None), method="highs")
        high = linprog(-objective, A_eq=a_eq, b_eq=b_eq, bounds=(1, None), method="highs")
        if low.status != 0:
            raise ValueError(f"the published figures do not add up: {low.message}")
        if high.status == 0 and -high.fun - low.fun < 1 - 1e-9:  # status 3: no largest value
            narrowed.append(key)
    return sorted(narrowed, key=lambda key: (key[0], _position(tables[key[0]], key[1])))


def _coordinates(table: SuppressedTable) -> list[Coordinate]:
    return [(r, c) for r in [*table.rows, TOTAL] for c in [*table.columns, TOTAL]]


def _position(table: SuppressedTable, coordinate: Coordinate) -> tuple[int, int]:
    rows, cols = [*table.rows, TOTAL], [*table.columns, TOTAL]
    return rows.index(coordinate[0]), cols.index(coordinate[1])


# --- internals ------------------------------------------------------------------------------
#
# The extended grid has m + 1 rows and n + 1 columns: grid[i][n] is row i's total,
# grid[m][j] column j's total, grid[m][n] the grand total. Lines are ("r", i) and ("c", j),
# which are also the vertices of the graph whose edges are cells.

Grid = list[list[int]]
GridCell = tuple[int, int]  # (i, j) in the extended grid
Line = tuple[str, int]  # ("r", i) or ("c", j)
Cost = tuple[int, int, int]  # (total or not, value, cells)


def _grid(
    table: Mapping[RowKey, Mapping[ColumnKey, int]], columns: Sequence[ColumnKey] | None
) -> tuple[list[RowKey], list[ColumnKey], Grid]:
    if not isinstance(table, Mapping):
        raise TypeError("table must be a mapping of row -> {column -> count}")
    rows = list(table.keys())
    if columns is None:
        cols: list[ColumnKey] = []
        seen = set()
        for r in rows:
            row = table[r]
            if not isinstance(row, Mapping):
                raise TypeError(f"row {r!r} must be a mapping of column -> count")
            for c in row:
                if c not in seen:
                    seen.add(c)
                    cols.append(c)
    else:
        cols = list(columns)
        if len(set(cols)) != len(cols):
            raise ValueError("columns repeat")
    if TOTAL in rows or TOTAL in cols:
        raise ValueError("TOTAL is reserved for the margins")
    col_index = {c: j for j, c in enumerate(cols)}
    m, n = len(rows), len(cols)
    grid = [[0] * (n + 1) for _ in range(m + 1)]
    for i, r in enumerate(rows):
        row = table[r]
        if not isinstance(row, Mapping):
            raise TypeError(f"row {r!r} must be a mapping of column -> count")
        for c, v in row.items():
            if c not in col_index:
                raise ValueError(f"column {c!r} of row {r!r} is not among the columns")
            if isinstance(v, bool) or not isinstance(v, int) or v < 0:
                raise ValueError(f"cell ({r!r}, {c!r}) must be a count (an int, 0 or more), not {v!r}")
            grid[i][col_index[c]] = v
    for i in range(m):
        grid[i][n] = sum(grid[i][:n])
    for j in range(n + 1):
        grid[m][j] = sum(grid[i][j] for i in range(m))
    return rows, cols, grid


def _line_cells(grid: Grid, line: Line) -> list[GridCell]:
    kind, k = line
    if kind == "r":
        return [(k, j) for j in range(len(grid[0]))]
    return [(i, k) for i in range(len(grid))]


def _lines(grid: Grid) -> list[Line]:
    return [("r", i) for i in range(len(grid))] + [("c", j) for j in range(len(grid[0]))]


def _pair_lines(grid: Grid, chosen: set[GridCell]) -> bool:
    """Rule 2 on the extended grid, repeated until stable. True when it added cells."""
    added = False
    changed = True
    while changed:
        changed = False
        for line in _lines(grid):
            cells = _line_cells(grid, line)
            held = [c for c in cells if c in chosen]
            if len(held) != 1:
                continue
            candidates = [c for c in cells if c not in chosen and grid[c[0]][c[1]] > 0]
            if not candidates:
                # Cannot happen: a line with a positive suppressed cell has a positive total,
                # or (in the totals lines) another positive total.
                raise AssertionError(f"no cell to pair with in line {line}")
            # Smallest value; ties by position in the line (the total is last).
            best = min(candidates, key=lambda c: (grid[c[0]][c[1]], cells.index(c)))
            chosen.add(best)
            added = changed = True
    return added


def _adjacency(edges: Iterable[GridCell]) -> dict[Line, list[tuple[Line, GridCell]]]:
    adj: dict[Line, list[tuple[Line, GridCell]]] = {}
    for i, j in edges:
        adj.setdefault(("r", i), []).append((("c", j), (i, j)))
        adj.setdefault(("c", j), []).append((("r", i), (i, j)))
    return adj


def _bridges(chosen: set[GridCell]) -> set[GridCell]:
    """The suppressed cells that lie on no cycle of suppressed cells (Tarjan, iterative)."""
    adj = _adjacency(sorted(chosen))
    index: dict[Line, int] = {}
    low: dict[Line, int] = {}
    found: set[GridCell] = set()
    counter = 0
    for root in adj:
        if root in index:
            continue
        index[root] = low[root] = counter
        counter += 1
        # Stack of (vertex, the cell it was reached by, iterator over its neighbours).
        stack: list[tuple[Line, GridCell | None, Iterator[tuple[Line, GridCell]]]] = [(root, None, iter(adj[root]))]
        while stack:
            v, via, neighbours = stack[-1]
            advanced = False
            for w, cell in neighbours:
                if cell == via:
                    continue
                if w in index:
                    low[v] = min(low[v], index[w])
                else:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append((w, cell, iter(adj[w])))
                    advanced = True
                    break
            if advanced:
                continue
            stack.pop()
            if stack:
                parent = stack[-1][0]
                low[parent] = min(low[parent], low[v])
                if low[v] > index[parent]:
                    assert via is not None  # only the root has no cell, and it is popped last
                    found.add(via)
    return found


def _mend_first_bridge(grid: Grid, chosen: set[GridCell]) -> bool:
    """Rule 4: put the first bridge on a cycle by the cheapest path. True when it added cells."""
    bridges = _bridges(chosen)
    if not bridges:
        return False
    path = _cheapest_path(grid, chosen, min(bridges))
    chosen.update(path)
    return True


def _cheapest_path(grid: Grid, chosen: set[GridCell], bridge: GridCell) -> list[GridCell]:
    """Unsuppressed cells to add so that a path joins the bridge's row and column without it.

    Dijkstra over all non-zero cells except the bridge; a suppressed cell costs nothing,
    another costs (1 if it is a total, its value, 1 cell) — compared in that order.
    """
    m, n = len(grid) - 1, len(grid[0]) - 1
    edges = [(i, j) for i in range(m + 1) for j in range(n + 1) if grid[i][j] > 0 and (i, j) != bridge]
    adj = _adjacency(edges)
    order = {v: k for k, v in enumerate([("r", i) for i in range(m + 1)] + [("c", j) for j in range(n + 1)])}
    start, goal = ("r", bridge[0]), ("c", bridge[1])
    zero: Cost = (0, 0, 0)
    best = {start: zero}
    previous: dict[Line, tuple[Line, GridCell]] = {}
    heap = [(zero, order[start], start)]
    done: set[Line] = set()
    while heap:
        cost, _, v = heapq.heappop(heap)
        if v in done:
            continue
        done.add(v)
        if v == goal:
            break
        for w, cell in adj.get(v, ()):
            if w in done:
                continue
            if cell in chosen:
                step = zero
            else:
                step = (int(cell[0] == m or cell[1] == n), grid[cell[0]][cell[1]], 1)
            new = cast(Cost, tuple(a + b for a, b in zip(cost, step, strict=False)))
            if w not in best or new < best[w]:
                best[w] = new
                previous[w] = (v, cell)
                heapq.heappush(heap, (new, order[w], w))
    if goal not in done:
        # Cannot happen: row -> its total -> grand total -> column total -> column is a path.
        raise AssertionError(f"no path to mend bridge {bridge}")
    path: list[GridCell] = []
    v = goal
    while v != start:
        v, cell = previous[v]
        if cell not in chosen:
            path.append(cell)
    return path


def _complete(grid: Grid, chosen: set[GridCell]) -> None:
    """Rules 2 to 4, repeated until neither adds a cell."""
    while True:
        _pair_lines(grid, chosen)
        if not _mend_first_bridge(grid, chosen):
            return
