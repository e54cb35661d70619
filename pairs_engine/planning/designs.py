"""Known constructions of repeat-free plans ("perfect cases").

A construction returns rounds of tables of abstract points 0..P−1 (the planner then
chooses which participant sits on which point). Every result is checked by the planner's
verification, never trusted.

- Affine plane of order q (q a prime power): q² people, tables of q, up to q + 1 rounds.
  Points are (x, y) ∈ GF(q)²; round m ≤ q − 1 groups the lines y = g_m·x + b, round q the
  lines x = c, one more round the lines y = b.
- Latin square net: s² people, tables of s, up to 3 rounds for any s (rows, columns,
  symbols of the cyclic Latin square (i + j) mod s).
- Circle method (round robin): tables of 2, P − 1 rounds (P even) or P rounds with one
  person sitting out (P odd).

And searches with a symmetry for tight instances (cyclic, layered cyclic, two-orbit
difference family): docs/algorithms/planning.md explains each.
"""

from __future__ import annotations

import math
import random
import time
from collections import Counter
from itertools import product

import numpy as np

from pairs_engine.planning.array_kernel import difference_array

Schedule = list[list[list[int]]]


def _prime_power(q: int) -> tuple[int, int] | None:
    """(p, k) with q = p**k, p prime; None otherwise."""
    if q < 2:
        return None
    p = next(d for d in range(2, q + 1) if q % d == 0)
    k, rest = 0, q
    while rest % p == 0:
        rest //= p
        k += 1
    return (p, k) if rest == 1 else None


class GaloisField:
    """GF(p^k) with elements 0..q−1 (base-p digits = polynomial coefficients)."""

    def __init__(self, q: int) -> None:
        pk = _prime_power(q)
        if pk is None:
            raise ValueError(f"{q} is not a prime power")
        self.q, (self.p, self.k) = q, pk
        self.modulus = self._irreducible()
        self.mul_table = [[self._mul(a, b) for b in range(q)] for a in range(q)]
        self.add_table = [[self._add(a, b) for b in range(q)] for a in range(q)]

    def _digits(self, a: int) -> list[int]:
        return [(a // self.p**i) % self.p for i in range(self.k)]

    def _number(self, digits: list[int]) -> int:
        return sum(d * self.p**i for i, d in enumerate(digits))

    def _add(self, a: int, b: int) -> int:
        return self._number([(x + y) % self.p for x, y in zip(self._digits(a), self._digits(b), strict=True)])

    def _poly_mod(self, poly: list[int], modulus: list[int]) -> list[int]:
        poly = poly[:]
        degree = len(modulus) - 1
        for i in range(len(poly) - 1, degree - 1, -1):
            coef = poly[i] % self.p
            if coef:
                for j in range(degree + 1):
                    poly[i - degree + j] = (poly[i - degree + j] - coef * modulus[j]) % self.p
        return [c % self.p for c in poly[:degree]] + [0] * max(0, degree - len(poly))

    def _irreducible(self) -> list[int]:
        """A monic polynomial of degree k without roots or factors: found by brute force (q is small)."""
        if self.k == 1:
            return [0, 1]
        for tail in product(range(self.p), repeat=self.k):
            modulus = [*tail, 1]
            if modulus[0] == 0:
                continue
            # Irreducible iff x^(p^k) ≡ x and the field generated has no smaller subfield: test
            # directly that no polynomial of degree 1..k//2 divides it.
            if all(self._remainder_nonzero(modulus, divisor) for divisor in self._monic(self.k // 2)):
                return modulus
        raise AssertionError("an irreducible polynomial always exists")

    def _monic(self, max_degree: int) -> list[list[int]]:
        divisors = []
        for degree in range(1, max_degree + 1):
            for tail in product(range(self.p), repeat=degree):
                divisors.append([*tail, 1])
        return divisors

    def _remainder_nonzero(self, poly: list[int], divisor: list[int]) -> bool:
        return any(self._poly_mod(poly, divisor))

    def _mul(self, a: int, b: int) -> int:
        x, y = self._digits(a), self._digits(b)
        poly = [0] * (2 * self.k - 1)
        for i, xi in enumerate(x):
            for j, yj in enumerate(y):
                poly[i + j] = (poly[i + j] + xi * yj) % self.p
        return self._number(self._poly_mod(poly, self.modulus)[: self.k])


def affine_plane(q: int, rounds: int) -> Schedule | None:
    """Up to q + 1 parallel classes of the affine plane AG(2, q); None if q is not a prime power."""
    if _prime_power(q) is None or rounds > q + 1:
        return None
    field = GaloisField(q)

    def point(x: int, y: int) -> int:
        return x * q + y

    classes: Schedule = []
    # Vertical and horizontal lines first: they are the Latin-square rows and columns.
    classes.append([[point(c, y) for y in range(q)] for c in range(q)])
    classes.append([[point(x, b) for x in range(q)] for b in range(q)])
    for slope in range(1, q):
        lines = []
        for b in range(q):
            lines.append([point(x, field.add_table[field.mul_table[slope][x]][b]) for x in range(q)])
        classes.append(lines)
    return classes[:rounds]


def latin_square_net(s: int, rounds: int) -> Schedule | None:
    """Rows, columns and cyclic symbols of an s×s grid: up to 3 repeat-free rounds for any s."""
    if rounds > 3:
        return None
    rows = [[i * s + j for j in range(s)] for i in range(s)]
    cols = [[i * s + j for i in range(s)] for j in range(s)]
    symbols = [[i * s + (k - i) % s for i in range(s)] for k in range(s)]
    return [rows, cols, symbols][:rounds]


def circle_method(people: int, rounds: int) -> Schedule | None:
    """Round-robin pairs: person 0 stays, the others rotate; with an odd count one sits alone."""
    n = people + (people % 2)
    if rounds > n - 1:
        return None
    schedule: Schedule = []
    others = list(range(1, n))
    for r in range(rounds):
        ring = others[r:] + others[:r]
        pairs = [[0, ring[0]]] + [[ring[i], ring[n - 1 - i]] for i in range(1, n // 2)]
        tables: list[list[int]] = []
        single: list[list[int]] = []
        for pair in pairs:
            real = [p for p in pair if p < people]
            (tables if len(real) == 2 else single).append(real)
        schedule.append(tables + single)
    return schedule


def construct(people: int, sizes: tuple[int, ...], rounds: int) -> tuple[Schedule, str] | None:
    """A repeat-free schedule from a known construction, with its French name; None if none applies."""
    size = sizes[0]
    if size == 2 and all(s in (1, 2) for s in sizes):
        schedule = circle_method(people, rounds)
        if schedule is not None:
            return schedule, "méthode du cercle (tournoi toutes rondes)"
    if people == size * size and all(s == size for s in sizes):
        schedule = affine_plane(size, rounds)
        if schedule is not None:
            return schedule, f"plan affine d'ordre {size}"
        schedule = latin_square_net(size, rounds)
        if schedule is not None:
            return schedule, f"carré latin d'ordre {size}"
    return None


def _orbit_key(p: int, q: int, g: int, moving: int) -> tuple[int, ...] | None:
    """Orbit of the pair {p, q} under x ↦ x + 1 (mod g) on points (x, c) = c·g + x; None if short."""
    if p >= moving and q >= moving:
        return None  # two fixed points: together in every shifted round
    if p >= moving or q >= moving:
        fixed, other = (p, q) if p >= moving else (q, p)
        return (-1, fixed, other // g)
    c1, x1, c2, x2 = p // g, p % g, q // g, q % g
    d = (x2 - x1) % g
    if c1 == c2 and (2 * d) % g == 0:
        return None  # a shift of g/2 maps the pair onto itself
    return min((c1, c2, d), (c2, c1, (-d) % g))


def cyclic_search(
    people: int,
    size: int,
    rounds: int,
    rng: random.Random,
    deadline: float,
    max_iterations: int | None = None,
) -> tuple[Schedule, str] | None:
    """Repeat-free rounds with a cyclic symmetry, found by a small tabu search.

    Points are (x, c) with x ∈ Z_g plus up to one fixed point per table; round j·g + i is
    base round j shifted by i. The plan is repeat-free exactly when the base rounds never
    use two pairs of the same orbit (nor a pair whose orbit is shorter than g), so the
    search works on b = ceil(R / g) base rounds instead of R rounds: a much smaller problem
    (this is how 8-4-9 and Kirkman's 5-3-7 fall).
    """
    if people % size:
        return None
    tables = people // size
    options = []
    for g in range(rounds, 1, -1):
        fixed = people % g
        base = math.ceil(rounds / g)
        if fixed <= tables and base <= 3:
            options.append((base, fixed, g))
    # Odd g first: no pair is mapped onto itself, so no orbit is short.
    options.sort(key=lambda o: (o[0], o[2] % 2 == 0, o[1]))
    options = options[:3]
    for number, (base, fixed, g) in enumerate(options):
        moving = people - fixed
        # The most symmetric option (fewest base rounds) gets half of what is left.
        share = (deadline - time.monotonic()) / (2 if number < len(options) - 1 else 1)
        found = _cyclic_tabu(
            people, size, tables, g, moving, base, rng, time.monotonic() + share, max_iterations
        )
        if found is None:
            continue
        schedule: Schedule = []
        for j in range(base):
            for i in range(g):
                if len(schedule) == rounds:
                    break
                schedule.append(
                    [
                        [(p // g) * g + (p % g + i) % g if p < moving else p for p in table]
                        for table in found[j]
                    ]
                )
        return schedule, f"recherche cyclique (groupe Z_{g}, {base} tour(s) de base)"
    return None


def _cyclic_tabu(
    people: int,
    size: int,
    tables: int,
    g: int,
    moving: int,
    base: int,
    rng: random.Random,
    deadline: float,
    max_iterations: int | None = None,
) -> list[list[list[int]]] | None:
    points = list(range(people))
    fixed_points = list(range(moving, people))
    rounds = []
    for _ in range(base):
        others = [p for p in points if p < moving]
        rng.shuffle(others)
        layout: list[list[int]] = [[] for _ in range(tables)]
        for t, f in enumerate(fixed_points):
            layout[t].append(f)
        for p in others:
            t = min(range(tables), key=lambda k: (len(layout[k]), rng.random()))
            layout[t].append(p)
        rounds.append(layout)
    count: Counter[tuple[int, ...] | None] = Counter()

    def pair_keys(members: list[int], who: int) -> list[tuple[int, ...] | None]:
        return [_orbit_key(min(who, m), max(who, m), g, moving) for m in members if m != who]

    for layout in rounds:
        for table in layout:
            for i, a in enumerate(table):
                for b in table[i + 1 :]:
                    count[_orbit_key(min(a, b), max(a, b), g, moving)] += 1

    def cost_of(c: Counter[tuple[int, ...] | None]) -> int:
        return sum(v - 1 if k is not None else v for k, v in c.items() if v > (0 if k is None else 1))

    cost = cost_of(count)
    tabu: dict[tuple[int, int, int], int] = {}
    iteration = 0
    while cost > 0:
        if time.monotonic() > deadline or (max_iterations is not None and iteration >= max_iterations):
            return None
        iteration += 1
        best: tuple[int, float, int, int, int, int, int] | None = None
        for j, layout in enumerate(rounds):
            where = {p: t for t, table in enumerate(layout) for p in table}
            for a in range(moving):
                ta = where[a]
                keys_a_out = pair_keys(layout[ta], a)
                for b in range(a + 1, moving):
                    tb = where[b]
                    if ta == tb:
                        continue
                    removed = keys_a_out + pair_keys(layout[tb], b)
                    added = pair_keys([m for m in layout[tb] if m != b], a) + pair_keys(
                        [m for m in layout[ta] if m != a], b
                    )
                    delta = 0
                    change: Counter[tuple[int, ...] | None] = Counter()
                    for k in removed:
                        change[k] -= 1
                    for k in added:
                        change[k] += 1
                    for k, dv in change.items():
                        if dv == 0:
                            continue
                        before, after = count[k], count[k] + dv
                        if k is None:
                            delta += after - before
                        else:
                            delta += max(0, after - 1) - max(0, before - 1)
                    is_tabu = tabu.get((j, a, tb), 0) > iteration or tabu.get((j, b, ta), 0) > iteration
                    if is_tabu and cost + delta > 0:
                        continue
                    key = (delta, rng.random())
                    if best is None or key < (best[0], best[1]):
                        best = (delta, key[1], j, a, b, ta, tb)
        if best is None:
            continue
        _, _, j, a, b, ta, tb = best
        layout = rounds[j]
        for k in pair_keys(layout[ta], a) + pair_keys(layout[tb], b):
            count[k] -= 1
        layout[ta].remove(a)
        layout[tb].remove(b)
        layout[ta].append(b)
        layout[tb].append(a)
        for k in pair_keys(layout[tb], a) + pair_keys(layout[ta], b):
            count[k] += 1
        cost = cost_of(count)
        tenure = 3 + rng.randrange(8)
        tabu[(j, a, ta)] = iteration + tenure
        tabu[(j, b, tb)] = iteration + tenure
    return rounds


def _layer_options(g: int, blocks: int, rounds: int) -> list[tuple[int, ...]]:
    """Stabiliser orders k (k | g, k | blocks) of the layers, with Σ g/k = rounds; fewest layers first."""
    divisors = [k for k in range(1, g + 1) if g % k == 0 and blocks % k == 0]
    found: list[tuple[int, ...]] = []

    def extend(prefix: tuple[int, ...], left: int) -> None:
        if left == 0:
            found.append(prefix)
            return
        for k in divisors:
            if (not prefix or k >= prefix[-1]) and g // k <= left and len(prefix) < 6:
                extend((*prefix, k), left - g // k)

    extend((), rounds)
    found.sort(key=lambda ks: (len(ks), ks))
    return found


def layered_cyclic_search(
    people: int,
    size: int,
    rounds: int,
    rng: random.Random,
    deadline: float,
    max_moves: int | None = None,
) -> tuple[Schedule, str] | None:
    """Repeat-free rounds invariant under Z_g, with rounds in orbits of several lengths (annealing).

    Points are (x, c) = c·g + x with x ∈ Z_g and one class c per seat (P = g·s). The shift
    x ↦ x + 1 acts on the rounds: a *layer* of stabiliser order k is a round fixed by the
    shift by g/k, developed into g/k rounds. It is given by P/(s·k) representative blocks
    that hold one point of each orbit of the stabiliser; a plan is repeat-free exactly when
    no two representative pairs (over all layers) lie in the same orbit of pairs under Z_g and
    none lies in a short orbit (x, x + g/2). Mixing layer lengths (6 + 2 rounds for 6-3-8)
    gives more freedom than one cyclic base round, for the same number of unknowns. The
    representatives are found by simulated annealing on the number of orbit collisions; moves
    swap two points between blocks of a layer or move a point within its stabiliser orbit.
    """
    if size < 2 or people % size or people > 400:
        return None  # (the orbit table is quadratic in pure Python)
    g = people // size
    if g < 2 or rounds * (size - 1) > people - 1:
        return None
    blocks = people // size
    options = _layer_options(g, blocks, rounds)
    if not options:
        return None
    options = options[:4]
    for number, layers in enumerate(options):
        share = max(0.0, deadline - time.monotonic()) / (len(options) - number)
        moves = None if max_moves is None else max_moves // len(options)
        found = _layered_anneal(people, size, g, layers, rng, time.monotonic() + share, moves)
        if found is None:
            continue
        schedule: Schedule = []
        for k, reps in zip(layers, found, strict=True):
            step = g // k  # the stabiliser is generated by the shift by `step`
            for i in range(step):
                schedule.append(
                    [
                        [(p // g) * g + (p % g + i + j * step) % g for p in block]
                        for block in reps
                        for j in range(k)
                    ]
                )
        schedule = [[sorted(t) for t in tables] for tables in schedule]
        lengths = "+".join(str(g // k) for k in layers)
        return schedule, f"recherche cyclique par couches (groupe Z_{g}, tours {lengths})"
    return None


def _layered_anneal(
    people: int,
    size: int,
    g: int,
    layers: tuple[int, ...],
    rng: random.Random,
    deadline: float,
    max_moves: int | None,
) -> list[list[list[int]]] | None:
    orbit: list[list[int]] = [[0] * people for _ in range(people)]
    index: dict[tuple[int, ...], int] = {}
    for p in range(people):
        for q in range(p + 1, people):
            key = _orbit_key(p, q, g, people)
            value = -1 if key is None else index.setdefault(key, len(index))
            orbit[p][q] = orbit[q][p] = value
    short = len(index)
    for p in range(people):
        for q in range(people):
            if orbit[p][q] == -1:
                orbit[p][q] = short
    count = [0] * (short + 1)

    def bump(p: int, q: int, d: int) -> int:
        o = orbit[p][q]
        before = count[o] if o == short else max(0, count[o] - 1)
        count[o] += d
        return (count[o] if o == short else max(0, count[o] - 1)) - before

    # Representatives: one point per (class, residue mod step) in each layer, dealt into blocks.
    reps: list[list[list[int]]] = []
    steps = [g // k for k in layers]
    for k, step in zip(layers, steps, strict=True):
        points = [c * g + r + step * rng.randrange(k) for c in range(people // g) for r in range(step)]
        rng.shuffle(points)
        reps.append([points[b * size : (b + 1) * size] for b in range(len(points) // size)])
    cost = 0
    for layer in reps:
        for block in layer:
            for i, a in enumerate(block):
                for b in block[i + 1 :]:
                    cost += bump(a, b, 1)
    hot, cold = 0.6, 0.05
    temperature = hot
    start = time.monotonic()
    span = max(1e-6, deadline - start)
    done = 0
    while cost > 0:
        if done % 1024 == 0:
            if max_moves is not None:
                if done >= max_moves:
                    return None
                frac = done / max_moves
            else:
                now = time.monotonic()
                if now >= deadline:
                    return None
                frac = (now - start) / span
            temperature = hot * (cold / hot) ** frac
        done += 1
        li = rng.randrange(len(reps))
        layer = reps[li]
        k = layers[li]
        if k > 1 and rng.random() < 0.2:
            # move a point within its stabiliser orbit
            block = layer[rng.randrange(len(layer))]
            i = rng.randrange(size)
            old = block[i]
            new = (old // g) * g + (old % g + steps[li] * rng.randrange(1, k)) % g
            delta = sum(bump(old, m, -1) for m in block if m != old)
            block[i] = new
            delta += sum(bump(new, m, 1) for m in block if m != new)
            if delta > 0 and rng.random() >= math.exp(-delta / temperature):
                for m in block:
                    if m != new:
                        bump(new, m, -1)
                block[i] = old
                for m in block:
                    if m != old:
                        bump(old, m, 1)
                continue
            cost += delta
            continue
        if len(layer) < 2:
            continue
        x, y = rng.randrange(len(layer)), rng.randrange(len(layer))
        if x == y:
            continue
        first, second = layer[x], layer[y]
        i, j = rng.randrange(size), rng.randrange(size)
        a, b = first[i], second[j]
        delta = sum(bump(a, m, -1) for m in first if m != a) + sum(bump(b, m, -1) for m in second if m != b)
        first[i], second[j] = b, a
        delta += sum(bump(b, m, 1) for m in first if m != b) + sum(bump(a, m, 1) for m in second if m != a)
        if delta > 0 and rng.random() >= math.exp(-delta / temperature):
            for m in first:
                if m != b:
                    bump(b, m, -1)
            for m in second:
                if m != a:
                    bump(a, m, -1)
            first[i], second[j] = a, b
            for m in first:
                if m != a:
                    bump(a, m, 1)
            for m in second:
                if m != b:
                    bump(b, m, 1)
            continue
        cost += delta
    return reps


def _splits(size: int, blocks: int, g: int) -> list[tuple[int, ...]]:
    """Points per block on level 0 (non-increasing) whose orbit counts fit the available orbits."""
    pure = (g - 1) // 2  # ±d classes per level, the short one (d = g/2) excluded
    found: list[tuple[int, ...]] = []

    def extend(prefix: tuple[int, ...]) -> None:
        low = sum(a * (a - 1) // 2 for a in prefix)
        high = sum((size - a) * (size - a - 1) // 2 for a in prefix)
        mixed = sum(a * (size - a) for a in prefix)
        if low > pure or high > pure or mixed > g:
            return
        if len(prefix) == blocks:
            found.append(prefix)
            return
        for a in range(prefix[-1] if prefix else size, -1, -1):
            extend((*prefix, a))

    extend(())
    return found


def _difference_family(
    size: int, g: int, split: tuple[int, ...], rng: random.Random, budget: int
) -> list[list[int]] | None:
    """Base blocks on Z_g × {0, 1} that use every pair orbit at most once (randomised backtracking).

    Each block's first point is (0, c), which loses nothing: a block and its shifts are the same
    orbit. ``budget`` bounds the number of points tried, so one bad start cannot stall the caller.
    """
    used: set[tuple[int, ...] | None] = set()
    blocks: list[list[int]] = [[] for _ in split]
    tried = 0

    def place(b: int) -> bool:
        nonlocal tried
        if b == len(split):
            return True
        block = blocks[b]
        if len(block) == size:
            return place(b + 1)
        level = 0 if len(block) < split[b] else 1
        if not block:
            candidates = [level * g]  # the first point of a block is (0, level)
        else:
            last = block[-1]
            start = last + 1 if last // g == level else level * g
            candidates = list(range(start, (level + 1) * g))
            rng.shuffle(candidates)
        for p in candidates:
            tried += 1
            if tried > budget:
                return False
            # The cyclic search's orbits with two classes and no fixed point: pure ±d within
            # a copy (none for d = g/2, a short orbit), mixed y − x between the copies.
            keys = [_orbit_key(q, p, g, 2 * g) for q in block]
            if None in keys or len(set(keys)) < len(keys) or used.intersection(keys):
                continue
            block.append(p)
            used.update(keys)
            if place(b):
                return True
            used.difference_update(keys)
            block.pop()
        return False

    return blocks if place(0) else None


def _parallel_classes(blocks: list[int], people: int, limit: int, deadline: float) -> list[int]:
    """Sets of blocks (bit masks over ``blocks``) that partition the points, at most ``limit``."""
    containing: list[list[int]] = [[] for _ in range(people)]
    for b, mask in enumerate(blocks):
        for p in range(people):
            if mask >> p & 1:
                containing[p].append(b)
    everyone = (1 << people) - 1
    found: list[int] = []

    def extend(covered: int, chosen: int) -> None:
        if len(found) >= limit or time.monotonic() > deadline:
            return
        if covered == everyone:
            found.append(chosen)
            return
        first = (~covered & (covered + 1)).bit_length() - 1  # lowest point not yet seated
        for b in containing[first]:
            if blocks[b] & covered == 0:
                extend(covered | blocks[b], chosen | 1 << b)

    extend(0, 0)
    return found


def _resolution(classes: list[int], blocks: int, deadline: float) -> list[int] | None:
    """Parallel classes that use every block exactly once (exact cover, fewest options first)."""
    holding = [[c for c in classes if c >> b & 1] for b in range(blocks)]
    everything = (1 << blocks) - 1
    chosen: list[int] = []

    def cover(used: int) -> bool:
        if used == everything:
            return True
        if time.monotonic() > deadline:
            return False
        options: list[int] | None = None
        for b in range(blocks):
            if not used >> b & 1:
                free = [c for c in holding[b] if c & used == 0]
                if options is None or len(free) < len(options):
                    options = free
                    if not free:
                        return False
        for c in options or []:
            chosen.append(c)
            if cover(used | c):
                return True
            chosen.pop()
        return False

    return chosen if cover(0) else None


def two_orbit_search(
    people: int, size: int, rounds: int, rng: random.Random, deadline: float
) -> tuple[Schedule, str] | None:
    """Repeat-free rounds from a difference family on Z_g × {0, 1} (P = 2g), then resolved.

    The g shifts x ↦ x + i act on two copies of Z_g. A set of base blocks that uses every
    orbit of pairs at most once (a *difference family*: pure differences ±d on each level,
    mixed differences y − x between levels; never d = g/2, whose orbit is short) develops
    into R·P/s blocks in which no pair of points meets twice. Those blocks are then split
    into R parallel classes — the rounds — by an exact cover. When g is even and R is the
    largest possible, (P − 2)/(s − 1), every point misses exactly its partner (x + g/2, c):
    a resolvable group divisible design of type 2^(P/2). This is how 8-4-10 (Aguado 2004)
    is found, in a few hundredths of a second: random difference families of Z_16 × {0, 1}
    nearly always resolve.
    """
    if size < 3 or people % 2 or people % size:
        return None
    g = people // 2
    never = 1 if g % 2 == 0 else 0  # the partner at distance g/2 on one's own level
    if rounds < 1 or rounds * (size - 1) > people - 1 - never:
        return None
    # Full orbits need 2R/s whole; otherwise build a few more rounds and keep the first R
    # (a repeat-free plan stays so when rounds are dropped): 8-4-9 comes from 8-4-10.
    built = rounds
    while (2 * built) % size:
        built += 1
    if built * (size - 1) > people - 1 - never:
        return None
    base = 2 * built // size
    splits = _splits(size, base, g)
    if not splits:
        return None
    attempt = 0
    while time.monotonic() < deadline:
        split = splits[attempt % len(splits)]
        attempt += 1
        family = _difference_family(size, g, split, rng, budget=20_000)
        if family is None:
            continue
        developed = [
            sum(1 << ((p // g) * g + (p % g + i) % g) for p in block) for block in family for i in range(g)
        ]
        classes = _parallel_classes(developed, people, 5_000, deadline)
        chosen = _resolution(classes, len(developed), deadline)
        if chosen is None:
            continue
        schedule: Schedule = [
            [
                sorted(p for p in range(people) if developed[b] >> p & 1)
                for b in range(len(developed))
                if c >> b & 1
            ]
            for c in chosen
        ]
        return schedule[:rounds], f"famille de différences résolue (groupe Z_{g} sur deux niveaux)"
    return None


def transversal_rounds(
    people: int, size: int, rounds: int, rng: random.Random, deadline: float
) -> tuple[Schedule, str] | None:
    """Rounds whose tables take one person from each of s groups of n = P/s, from a difference array.

    Points are (x, c) with x in a group G of order n and c the seat 0 … s − 1. Round r seats
    table x at {(x + A[r][c], c)}: every round is a partition, and (x, c), (y, c') meet in
    round r exactly when y − x = A[r][c'] − A[r][c]. So the plan is repeat-free when, for any
    two columns of the R × s array A, the R row-wise differences are distinct (people of the
    same seat never meet: R ≤ n). For n a prime power, A[r][c] = r·c over GF(n) works for
    every R ≤ n and s ≤ n (an affine-plane-like net). Otherwise ``array_kernel`` searches A
    over Z_n with random restarts: it finds 60-6-8 (Z_10), 60-5-10, 90-6-11 and 120-6-14 in
    about a hundredth of a second, where the local searches keep repeats. R = n with n even
    cannot be reached this way (no such array over Z_n) and is not tried.
    """
    if size < 2 or people % size:
        return None
    n = people // size
    if rounds < 1 or rounds > n or n < 2:
        return None
    prime_power = _prime_power(n) is not None and size <= n
    if rounds == n and n % 2 == 0 and size >= 3 and not prime_power:
        return None  # three full columns over Z_n, n even: no orthomorphism of Z_n, so no array
    if prime_power:
        field = GaloisField(n)
        shift = [[field.mul_table[r][c] for c in range(size)] for r in range(rounds)]

        def seat(x: int, d: int) -> int:
            return field.add_table[x][d]

        name = f"tours transversaux (corps à {n} éléments)"
    else:
        found = None
        while found is None and time.monotonic() < deadline:
            offsets = np.array([rng.randrange(n) for _ in range((size - 1) * (rounds - 1))], dtype=np.int64)
            array = difference_array(n, rounds, size, offsets, 200_000)
            if array.size:
                found = array
        if found is None:
            return None
        shift = found.tolist()

        def seat(x: int, d: int) -> int:
            return (x + d) % n

        name = f"tours transversaux (tableau de différences sur Z_{n})"
    schedule: Schedule = [
        [sorted(c * n + seat(x, shift[r][c]) for c in range(size)) for x in range(n)] for r in range(rounds)
    ]
    return schedule, name
