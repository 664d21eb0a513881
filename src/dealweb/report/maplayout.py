"""Which firms the map's core shows, how the periphery is gathered into groups, and the layered layout.

Presentation only, like :mod:`dealweb.report.mapview`: every rule here reads the deal kinds, directions and
amounts of the flows drawn, never a firm's name or id.

- :func:`core_of`: the core view, the firms on the largest money loops and, greedily, the firms within two
  deals of them that have the most money with the core (a Prim-like growth, Prim 1957, "Shortest connection
  networks and some generalizations", Bell System Technical Journal 36(6), doi:10.1002/j.1538-7305.1957.tb01515.x).
- :func:`groups_of`: the rest gathered into labelled groups: whole connected clusters of the periphery
  (so no drawn arrow ever runs between two groups), keyed by the core firm they deal with most and the kind
  of their money, coarsened until there are at most :data:`MAX_GROUPS`.
- :func:`firm_bands` and :func:`layered_positions`: the layered layout in the manner of the newsroom
  circular-deals graphics, firms in horizontal bands by their role in the money (funders on top, then model
  labs and services, cloud and compute, chips and hardware at the bottom), ordered within a band by the
  barycentre heuristic of Sugiyama, Tagawa & Toda (1981), "Methods for visual understanding of hierarchical
  system structures", IEEE Trans. SMC 11(2), doi:10.1109/TSMC.1981.4308636.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["BANDS", "MAX_GROUPS", "GROUP_SHOW", "Group", "core_of", "firm_bands", "groups_of",
           "layered_positions"]

#: Bands of the layered layout, top to bottom (money mostly flows downwards: funders pay labs, labs pay
#: clouds, clouds pay chip makers).
BANDS: tuple[str, ...] = ("investors", "labs", "cloud", "chips")
#: Most groups the periphery is gathered into.
MAX_GROUPS = 10
#: Most members an opened group draws (the largest by money); the others are counted and listed in the tables.
GROUP_SHOW = 12

Link = tuple[str, str, str, float]  # (kind, payer, payee, usd mid or 0)


@dataclass(frozen=True)
class Group:
    """Periphery firms drawn as one node until opened.

    ``key`` says how they were gathered: ``("anchor-kind", anchor, kind)``, ``("apart", "", kind)`` (no money
    with the core), ``("kind", "", kind)`` or ``("other", "", "")``; ``anchor`` is the core firm they have
    the most money with (``""`` when none). ``usd`` is the money (mid, USD) on every flow that touches a member.
    """

    id: str
    members: tuple[str, ...]
    key: tuple[str, str, str]
    usd: float


def _adjacency(links: Iterable[Link]) -> dict[str, dict[str, float]]:
    adj: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for _kind, a, b, usd in links:
        if a == b:
            continue
        adj[a][b] += usd
        adj[b][a] += usd
    return adj


def core_of(ids: Sequence[str], links: Sequence[Link], loop_entities: Iterable[str],
            flow_total: Mapping[str, float], core_max: int = 30) -> set[str]:
    """The firms of the core view: every firm when there are at most ``core_max``.

    Seeds: the firms on a money loop (largest money through them first, at most half of ``core_max``), or
    the three firms with the most money when there is no loop. Growth: among the firms at most two deals
    from a seed, the one with the most money (USD mid) with the firms already in joins, until ``core_max``
    or until no candidate has money with the core. Deterministic: ties go to more money overall, then id.

    >>> links = [("services", "a", "b", 5.0), ("hardware", "b", "c", 4.0), ("investment", "c", "a", 3.0),
    ...          ("investment", "x", "a", 2.0), ("investment", "y", "x", 1.0), ("services", "z", "y", 9.0)]
    >>> sorted(core_of("abcxyz", links, "abc", {}, core_max=5))
    ['a', 'b', 'c', 'x', 'y']
    """
    ids = list(ids)
    if len(ids) <= core_max:
        return set(ids)
    adj = _adjacency(links)
    present = set(ids)

    def rank(i: str) -> tuple[float, str]:
        return (-flow_total.get(i, 0.0), i)

    seeds = sorted(set(loop_entities) & present, key=rank)[: max(3, core_max // 2)]
    if not seeds:
        seeds = sorted(present, key=rank)[:3]
    dist = {s: 0 for s in seeds}
    frontier = list(seeds)
    for h in (1, 2):
        nxt = sorted({m for n in frontier for m in adj.get(n, {}) if m in present and m not in dist})
        for m in nxt:
            dist[m] = h
        frontier = nxt
    core = set(seeds)
    link = defaultdict(float)
    for s in seeds:
        for m, v in adj.get(s, {}).items():
            link[m] += v
    while len(core) < core_max:
        cands = [m for m, v in link.items() if m not in core and m in dist and v > 0]
        if not cands:
            break
        best = min(cands, key=lambda m: (-link[m], -flow_total.get(m, 0.0), m))
        core.add(best)
        for m, v in adj.get(best, {}).items():
            link[m] += v
    return core


def groups_of(ids: Sequence[str], core: set[str], links: Sequence[Link], flow_total: Mapping[str, float],
              max_groups: int = MAX_GROUPS) -> list[Group]:
    """The periphery (``ids`` not in ``core``) gathered into at most ``max_groups`` groups.

    A group is a union of whole connected clusters of the periphery, so every link between two periphery
    firms stays inside one group. Clusters are keyed by (the core firm with the most money with the
    cluster, the kind of most of the cluster's money); when that gives too many groups the key is
    coarsened to the anchor alone, then to the kind alone, then the smallest groups become one "other".
    Groups come largest money first; members largest money first.
    """
    periphery = sorted(set(ids) - core)
    if not periphery:
        return []
    pset = set(periphery)
    parent = {p: p for p in periphery}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for _k, a, b, _v in links:
        if a in pset and b in pset and a != b:
            ra, rb = find(a), find(b)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    clusters: dict[str, list[str]] = defaultdict(list)
    for p in periphery:
        clusters[find(p)].append(p)
    touching: dict[str, list[Link]] = defaultdict(list)
    for lk in links:
        _k, a, b, _v = lk
        ra = find(a) if a in pset else None
        rb = find(b) if b in pset else None
        for r in {ra, rb} - {None}:
            touching[r].append(lk)  # type: ignore[index]
    info = []
    for root, members in clusters.items():
        with_core: dict[str, float] = defaultdict(float)
        kinds: dict[str, float] = defaultdict(float)
        usd = 0.0
        for kind, a, b, v in touching[root]:
            usd += v
            kinds[kind] += v if v else 1e-9  # a kind with no USD figure still counts, below any money
            for c in (a, b):
                if c in core:
                    with_core[c] += v if v else 1e-9
        anchor = min(with_core, key=lambda c: (-with_core[c], -flow_total.get(c, 0.0), c)) if with_core else ""
        kind = min(kinds, key=lambda k: (-kinds[k], k)) if kinds else "none"
        info.append((tuple(sorted(members)), anchor, kind, usd))

    def gather(keyer) -> dict[tuple[str, str, str], list]:  # noqa: ANN001
        out: dict[tuple[str, str, str], list] = defaultdict(list)
        for row in info:
            out[keyer(row)].append(row)
        return out

    def key1(r) -> tuple[str, str, str]:  # noqa: ANN001
        return ("anchor-kind", r[1], r[2]) if r[1] else ("apart", "", r[2])

    gathered = gather(key1)
    if len(gathered) > max_groups:
        # keep the largest groups as they are; gather the rest by their kind of money alone
        keep = sorted(gathered, key=lambda k: (-sum(r[3] for r in gathered[k]), k))[: max(1, max_groups - 4)]
        kept = set(keep)
        gathered = gather(lambda r: key1(r) if key1(r) in kept else ("kind", "", r[2]))
    rows = sorted(((k, sorted(m for r in v for m in r[0]), sum(r[3] for r in v)) for k, v in gathered.items()),
                  key=lambda g: (-g[2], -len(g[1]), g[0]))
    if len(rows) > max_groups:
        rest = rows[max_groups - 1:]
        rows = rows[: max_groups - 1] + [(("other", "", ""), sorted(m for r in rest for m in r[1]),
                                          sum(r[2] for r in rest))]
    out = []
    for k, (key, members, usd) in enumerate(rows):
        members = sorted(members, key=lambda m: (-flow_total.get(m, 0.0), m))
        out.append(Group(f"g{k + 1}", tuple(members), key, usd))
    return out


def firm_bands(ids: Iterable[str], links: Iterable[Link]) -> dict[str, str]:
    """Each firm's band in the layered layout, from the kinds and directions of its money (USD mid).

    Scores per firm: receiving hardware money -> ``chips``; receiving services money (cloud, hosting,
    leases) -> ``cloud``, and so does paying for hardware (half weight: the buyers of chips are mostly the
    builders of compute); paying for services or receiving revenue -> ``labs``; paying investment, debt or
    revenue -> ``investors`` (funders, lenders, end customers); receiving investment -> ``labs`` (a third).
    A firm's score in a band is its share of its money (USD mid) there plus its share of its deals there
    (so deals with no USD figure, chip orders in units say, still tell); a firm paid for hardware or
    services is never put with the funders, whatever it invests. The band with the largest score
    wins (ties: the order of :data:`BANDS` read bottom up); a firm with no scored deal goes to ``labs``.

    >>> bands = firm_bands("abcd", [("services", "a", "b", 300.0), ("hardware", "b", "c", 40.0),
    ...                              ("investment", "d", "a", 10.0)])
    >>> [bands[i] for i in "abcd"]
    ['labs', 'cloud', 'chips', 'investors']
    """
    usd_score: dict[str, dict[str, float]] = defaultdict(lambda: dict.fromkeys(BANDS, 0.0))
    n_score: dict[str, dict[str, float]] = defaultdict(lambda: dict.fromkeys(BANDS, 0.0))
    for kind, a, b, usd in links:
        for sc, w in ((usd_score, usd), (n_score, 1.0)):
            if kind == "hardware":
                sc[b]["chips"] += w
                sc[a]["cloud"] += w * 0.5
            elif kind == "services":
                sc[b]["cloud"] += w
                sc[a]["labs"] += w
            elif kind == "revenue":
                sc[b]["labs"] += w
                sc[a]["investors"] += w
            elif kind in ("investment", "debt"):
                sc[a]["investors"] += w
                sc[b]["labs"] += w / 3
            elif kind == "warrant":  # issuer -> holder: the issuer sells (chips, mostly) to the holder
                sc[a]["chips"] += w / 3
                sc[b]["labs"] += w / 3
    sells = {b for kind, _a, b, _u in links if kind in ("hardware", "services")}
    score: dict[str, dict[str, float]] = {}
    for i in set(usd_score) | set(n_score):
        tu, tn = sum(usd_score[i].values()) or 1.0, sum(n_score[i].values()) or 1.0
        score[i] = {b: usd_score[i][b] / tu + n_score[i][b] / tn for b in BANDS}
        if i in sells:  # a firm that sells chips or compute is drawn in its trade, not with the pure funders
            score[i]["investors"] = 0.0
    out = {}
    for i in ids:
        s = score.get(i)
        if not s or max(s.values()) <= 0:
            out[i] = "labs"
            continue
        out[i] = max(reversed(BANDS), key=lambda b: s[b])
    return out


def layered_positions(ids: Sequence[str], bands: Mapping[str, str], pairs: Sequence[tuple[str, str]],
                      boxes: Mapping[str, tuple[float, float, float]], width: float, top: float,
                      bottom: float) -> tuple[dict[str, tuple[float, float]], list[tuple[str, float, float]]]:
    """Positions of the layered layout and the bands' extents ``(band, y_top, y_bottom)``.

    Each band holds its firms in as many rows as their boxes (``half width, up, down`` from
    :func:`dealweb.report.mapview._node_box`) need at ``width``, the height between ``top`` and ``bottom``
    shared in proportion to each band's rows. Within a band firms are ordered by the barycentre of their
    neighbours' positions (four sweeps down and up, Sugiyama et al. 1981), rows staggered, and spread over
    the width. Deterministic.
    """
    used = [b for b in BANDS if any(bands[i] == b for i in ids)]
    members = {b: sorted(i for i in ids if bands[i] == b) for b in used}
    nbrs: dict[str, list[str]] = defaultdict(list)
    for a, b in pairs:
        if a != b:
            nbrs[a].append(b)
            nbrs[b].append(a)
    usable = width - 80.0
    rows_of = {b: max(1, math.ceil(sum(2 * boxes[i][0] + 46 for i in members[b]) / usable)) for b in used}
    row_h = {b: max(boxes[i][1] + boxes[i][2] for i in members[b]) + 44 for b in used}
    need = sum(rows_of[b] * row_h[b] for b in used)
    scale = max(1.0, (bottom - top - 30 * len(used)) / need) if need else 1.0
    order = {b: list(members[b]) for b in used}
    x = {i: 0.5 for i in ids}

    def spread(b: str) -> None:
        seq = order[b]
        n = len(seq)
        for k, i in enumerate(seq):
            x[i] = (k + 0.5) / n

    for b in used:
        spread(b)
    for sweep in range(8):
        seq_bands = used if sweep % 2 == 0 else list(reversed(used))
        for b in seq_bands:
            def bary(i: str, b: str = b) -> tuple[float, str]:
                ns = [x[m] for m in nbrs[i] if m in x and bands.get(m) != b] or [x[i]]
                return (float(np.mean(ns)), i)

            order[b].sort(key=bary)
            spread(b)
    pos: dict[str, tuple[float, float]] = {}
    extents = []
    y = top
    for b in used:
        h = rows_of[b] * row_h[b] * scale + 30
        extents.append((b, y, y + h))
        rows = rows_of[b]
        seq = order[b]
        for r in range(rows):
            chunk = seq[r::rows]  # interleave so every row spans the width in barycentre order
            n = len(chunk)
            for k, i in enumerate(chunk):
                stagger = (0.5 / n) * (r / rows) if n else 0.0
                px = 40 + usable * ((k + 0.5) / n + stagger * 0.5)
                py = y + 24 + (r + 0.5) * (h - 30) / rows - (boxes[i][2] - boxes[i][1]) / 2
                pos[i] = (px, py)
        y += h
    return pos, extents
