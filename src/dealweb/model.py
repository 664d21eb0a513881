"""The vocabulary of dealweb: entities, deals, facts, the claims and sources behind them, the ledger.

Records are frozen dataclasses. Every record read from a file carries ``pos`` (file, line, column) so that
any error or any figure on screen can point back to the line a person must read or fix.

Direction convention: a deal's ``payer`` (``from`` in the files) sends money or value to its ``payee``
(``to``): the buyer of cloud, chips or services pays the seller; the investor pays the investee; the
lender lends to the borrower; the issuer of a warrant grants it to the holder (value flows issuer -> holder).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from dealweb.money import Amount, FxTable

__all__ = [
    "Analyses",
    "Analysis",
    "Figure",
    "DEAL_TYPES",
    "FLOW_KIND",
    "Claim",
    "Conflict",
    "Deal",
    "Document",
    "Entity",
    "EntityKind",
    "Event",
    "Fact",
    "Flow",
    "Ledger",
    "Party",
    "Pos",
    "Rate",
    "Status",
    "Tier",
    "Tranche",
    "Window",
]


@dataclass(frozen=True, slots=True)
class Pos:
    """Where a record or field was read: file path, 1-based line and column."""

    file: str
    line: int
    col: int = 1

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


class EntityKind(StrEnum):
    """What an entity is. ``market`` stands for end customers taken together."""

    COMPANY = "company"
    FUND = "fund"
    GOVERNMENT = "government"
    PROJECT = "project"
    PERSON = "person"
    MARKET = "market"


class Status(StrEnum):
    """Lifecycle of a deal, in the order a deal usually moves through it."""

    RUMOURED = "rumoured"
    ANNOUNCED = "announced"
    LETTER_OF_INTENT = "letter_of_intent"
    SIGNED = "signed"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class Tier(StrEnum):
    """Evidence tier of a source, strongest first: filing > company release > major press > secondary."""

    FILING = "filing"
    COMPANY_RELEASE = "company_release"
    MAJOR_PRESS = "major_press"
    SECONDARY = "secondary"

    @property
    def rank(self) -> int:
        """0 for the strongest tier."""
        return list(Tier).index(self)


#: Deal types and the kind of flow each one is (for colours, and for "who pays" origin classes).
FLOW_KIND: dict[str, str] = {
    "equity_investment": "investment",
    "acquisition_stake": "investment",
    "joint_venture": "investment",
    "warrant": "warrant",
    "debt_financing": "debt",
    "compute_contract": "services",
    "data_hosting": "services",
    "lease": "services",
    "services": "services",
    "revenue": "revenue",
    "chip_purchase": "hardware",
    "custom_chip_partnership": "hardware",
    "partnership": "none",
}
DEAL_TYPES: tuple[str, ...] = tuple(FLOW_KIND)


@dataclass(frozen=True, slots=True)
class Entity:
    """A company, fund, government, project, person or market.

    ``fiscal_year_end`` is ``(month, day)`` of the last day of the fiscal year (Oracle: ``(5, 31)``).
    ``names`` maps a script (``en``, ``zh-Hant``, ``zh-Hans``) to the entity's name in it.
    """

    id: str
    names: dict[str, str]
    kind: EntityKind = EntityKind.COMPANY
    aliases: tuple[str, ...] = ()
    ticker: str | None = None
    country: str | None = None
    fiscal_year_end: tuple[int, int] = (12, 31)
    note: str = ""
    pos: Pos | None = None

    @property
    def name(self) -> str:
        """English name, else the first one given, else the id."""
        return self.names.get("en") or next(iter(self.names.values()), self.id)

    def all_names(self) -> tuple[str, ...]:
        """Every name and alias, in every script."""
        return tuple(dict.fromkeys([*self.names.values(), *self.aliases]))


@dataclass(frozen=True, slots=True)
class Document:
    """One source document (an article, a filing): who published it, when, in which language.

    ``file`` names the text (relative to a documents folder) and ``start``/``end`` its character range in
    that file when one file holds several articles; claim spans are offsets into the same file.

    ``date`` is what the text states or implies; ``date_basis`` says how it was found: ``stated`` (the text
    gives it), ``implied`` (inferred from what the text says, e.g. "yesterday" after a dated event),
    ``assumed`` (a guess, labelled), ``bounded`` (no date, only bounds) or ``unknown`` (no date, no bound).
    ``not_before``/``not_after`` bound the date by what the text mentions (the latest event it cites, the
    earliest event it calls future). An undated document is of unknown date, never "always known".

    A *link-only* document has no ``file``: its ``url`` and the ``sha256`` (hex) of the text its quotes were
    checked against; quotes are checked when a documents folder holds a file with that sha256. ``origin``
    names the report a document carries (syndicated copies of one wire story share it); ``syndicated_from``
    names the id of the document it copies. :meth:`Ledger.origin_of` resolves both.
    """

    id: str
    title: str
    outlet: str = ""
    date: date | None = None
    language: str = "en"
    tier: Tier = Tier.SECONDARY
    url: str = ""
    file: str | None = None
    start: int | None = None
    end: int | None = None
    note: str = ""
    pos: Pos | None = None
    date_basis: str = ""
    not_before: date | None = None
    not_after: date | None = None
    sha256: str = ""
    origin: str = ""
    syndicated_from: str = ""

    @property
    def basis(self) -> str:
        """``date_basis`` as written, else ``stated`` when dated, ``bounded`` when bounded, ``unknown``."""
        if self.date_basis:
            return self.date_basis
        if self.date is not None:
            return "stated"
        return "bounded" if (self.not_before or self.not_after) else "unknown"

    @property
    def earliest(self) -> date | None:
        """The earliest day the document can have been published: its date, else ``not_before``, else None."""
        return self.date if self.date is not None else self.not_before

    def known_on(self, on: date) -> bool | None:
        """Whether the document was published by ``on``: True, False, or None (its date is unknown then).

        A dated document is known from its date. An undated one is certainly not known before
        ``not_before``; after that (or with no bound at all) whether it was is unknown (None).
        """
        if self.date is not None:
            return self.date <= on
        if self.not_before is not None and on < self.not_before:
            return False
        if self.not_after is not None and on >= self.not_after:
            return True
        return None


@dataclass(frozen=True, slots=True)
class Claim:
    """What one source says about one field of a deal or fact, with the exact words it says it in.

    ``quote == document_text[start:end]``. ``field`` names what the claim supports (``amount``,
    ``parties``, ``capacity_gw``, ``status``, ``value``, ...); ``stated`` is the figure as the source writes
    it (e.g. ``18億美元``), parsed into ``amount`` when it is a figure. ``flag`` marks a claim the ledger
    does not accept at face value: ``joke``, ``unit_slip``, ``disputed`` or ``superseded``.
    """

    document: str
    quote: str
    start: int | None = None
    end: int | None = None
    field: str = "amount"
    stated: str | None = None
    amount: Amount | None = None
    flag: str | None = None
    note: str = ""
    pos: Pos | None = None


@dataclass(frozen=True, slots=True)
class Event:
    """A dated change in a deal's life: announced, signed, ``cancelled`` ("fizzled"), amended.

    ``status`` is what the deal is after the event (what the flows read); ``kind`` says what happened, finer
    (``letter_of_intent``, ``definitive_agreement``, ``closing``, ``expanded``, ``renegotiated``, ``fizzled``,
    ``dropped``, ``rejected``...; ``""`` when not given).
    """

    date: date
    status: Status
    note: str = ""
    claims: tuple[Claim, ...] = ()
    pos: Pos | None = None
    kind: str = ""
    precision: str = ""   # day (""), month, quarter, year: how much of ``date`` the text gives
    date_basis: str = ""  # stated (""), implied, assumed: how ``date`` was found

    def shown_date(self) -> str:
        """The date as the source gives it: ``2025-09`` (month), ``2025-Q3``, ``2025``, ``~2025-11-26 (assumed)``.

        A day inferred from approximate words (``date_basis: assumed``) carries ``~`` and ``(assumed)``; a month,
        quarter or year shows only that span, whatever day inside it ``date`` holds for ordering.
        """
        d = self.date
        if self.precision == "month":
            text = f"{d.year:04d}-{d.month:02d}"
        elif self.precision == "quarter":
            text = f"{d.year:04d}-Q{(d.month - 1) // 3 + 1}"
        elif self.precision == "year":
            text = f"{d.year:04d}"
        else:
            text = d.isoformat()
            if self.date_basis == "assumed":
                text = "~" + text
        if self.date_basis == "assumed":
            text += " (assumed)"
        elif self.date_basis == "implied":
            text += " (implied)"
        return text


@dataclass(frozen=True, slots=True)
class Party:
    """One party to a multi-party deal and its role (``investor``, ``operator``, ``tenant``...)."""

    entity: str
    role: str = ""
    pos: Pos | None = None


@dataclass(frozen=True, slots=True)
class Flow:
    """A pairwise flow of money or value, ``payer -> payee``; the unit the graph and simulation read."""

    payer: str
    payee: str
    amount: Amount | None
    deal: str
    kind: str
    note: str = ""


@dataclass(frozen=True, slots=True)
class Tranche:
    """A conditional slice of a deal: ``amount`` paid or vested when ``trigger`` happens.

    Triggers (``docs/ledger-format.md``, "Tranches") and the fields each needs:

    * ``per_gw``: paid as capacity is deployed, ``gw`` GW per step (``count`` steps); ``amount`` is money per
      step, or None when the text states only the total (``pro_rata``: the deal's amount split by
      ``capacity_gw`` -- the reader says so when it uses it);
    * ``share_price``: vests when the issuer's share price reaches ``price`` (USD per share; ``threshold``
      is the same number, kept for older readers); ``quantity`` shares at ``strike`` each;
    * ``milestone``: paid when ``milestone`` (words) happens;
    * ``date``: paid on ``date``.

    ``start`` is the earliest day the tranche can trigger (from a date or a period label, kept in
    ``start_label``); ``claims`` source the tranche's own terms.
    """

    trigger: str
    amount: Amount | None = None
    quantity: Amount | None = None
    threshold: float | None = None
    date: date | None = None
    note: str = ""
    gw: float | None = None
    count: int | None = None
    price: Amount | None = None
    strike: Amount | None = None
    milestone: str = ""
    start: date | None = None
    start_label: str = ""
    pro_rata: bool = False
    claims: tuple[Claim, ...] = ()
    pos: Pos | None = None


@dataclass(frozen=True, slots=True)
class Rate:
    """A per-year amount of a deal: ``amount`` a year from ``start`` (to ``end`` when stated).

    "About $30B a year from FY2028" is ``Rate(amount=about 3e10 USD, start=2027-06-01, start_label="FY2028",
    calendar="acme")``: a period label resolves to its first day (``end`` labels to their last day) with the
    fiscal calendar of ``calendar`` (the entity whose year it is; the deal's payee when not written).
    ``claims`` are the sources of this rate (field ``per_year``).
    """

    amount: Amount
    start: date | None = None
    end: date | None = None
    start_label: str = ""
    end_label: str = ""
    calendar: str | None = None
    note: str = ""
    claims: tuple[Claim, ...] = ()
    pos: Pos | None = None


@dataclass(frozen=True, slots=True)
class Figure:
    """One input of an analysis, sourced: a fact, a deal's field, or a value labelled as an assumption.

    ``kind`` is ``fact`` (``ref`` = fact id), ``deal`` (``ref`` = deal id, ``field`` = amount, quantity,
    capacity_gw or term_years) or ``assumption`` (``value`` as written, ``note`` = the reasoning). The value
    of a fact or deal is read from that record (and its claims) when the analysis runs.
    """

    kind: str
    ref: str = ""
    field: str = ""
    value: Amount | None = None
    note: str = ""
    pos: Pos | None = None


@dataclass(frozen=True, slots=True)
class Analysis:
    """One record of the ledger's ``analyses`` section: which firms a test looks at, with which inputs.

    ``entities`` maps a role (``entity``, ``customer``, ``payer``, ``holder``...) to an entity id;
    ``entity_lists`` a role to several (bubble ``firms``); ``deals`` a role to deal ids; ``figures`` an
    input name to its :class:`Figure`; ``texts`` plain labels (``period``, ``note``). See
    ``docs/metrics.md`` ("The ledger's analyses section").
    """

    test: str
    entities: dict[str, str] = field(default_factory=dict)
    entity_lists: dict[str, tuple[str, ...]] = field(default_factory=dict)
    deals: dict[str, tuple[str, ...]] = field(default_factory=dict)
    figures: dict[str, Figure] = field(default_factory=dict)
    texts: dict[str, str] = field(default_factory=dict)
    pos: Pos | None = None


@dataclass(frozen=True, slots=True)
class Analyses:
    """The ledger's ``analyses`` section: test name -> its records (in file order)."""

    tests: dict[str, tuple[Analysis, ...]] = field(default_factory=dict)

    def records(self, test: str) -> tuple[Analysis, ...]:
        """The records of ``test`` (``()`` when the ledger names none)."""
        return self.tests.get(test, ())


@dataclass(frozen=True, slots=True)
class Window:
    """The period a ledger describes: deals completed before ``start`` are history, not live flows."""

    start: date
    end: date | None = None
    note: str = ""
    pos: Pos | None = None

    def contains(self, on: date) -> bool:
        """Whether ``on`` lies inside the window (``end`` inclusive; no end: open)."""
        return on >= self.start and (self.end is None or on <= self.end)


@dataclass(frozen=True, slots=True)
class Deal:
    """One deal however many outlets report it; disagreeing claims are all kept.

    A two-party deal has ``payer`` and ``payee``. A deal with more parties (Stargate) lists ``parties`` and
    states its pairwise ``flows`` explicitly; none are guessed.

    Payment terms: ``term_start``/``term_end``/``term_years`` (``term_start_label`` keeps a period label
    such as ``2026-H2`` the start was read from); ``schedule`` is the shape (flat, ramp, upfront,
    on_delivery, tranches), ``schedule_stated`` whether the ledger wrote it (False: ``flat`` by default, an
    assumption for the reader to label); ``per_year`` the per-year amounts the sources state; ``strike`` a
    warrant's exercise price per share; ``tranches`` the conditional slices. ``consideration`` says what the
    deal is paid in: ``cash``, ``stock`` (shares: an all-stock merger, value not money, like a warrant's) or
    ``mixed`` (both, the split not stated); ``""`` when the ledger does not say (read as cash).
    """

    id: str
    type: str
    payer: str | None = None
    payee: str | None = None
    parties: tuple[Party, ...] = ()
    flows: tuple[Flow, ...] = ()
    amount: Amount | None = None
    quantity: Amount | None = None
    capacity_gw: float | None = None
    term_start: date | None = None
    term_years: float | None = None
    schedule: str = "flat"
    tranches: tuple[Tranche, ...] = ()
    conditions: tuple[str, ...] = ()
    status: Status = Status.ANNOUNCED
    announced: date | None = None
    events: tuple[Event, ...] = ()
    claims: tuple[Claim, ...] = ()
    title: str = ""
    note: str = ""
    pos: Pos | None = None
    term_end: date | None = None
    term_start_label: str = ""
    schedule_stated: bool = False
    per_year: tuple[Rate, ...] = ()
    strike: Amount | None = None
    consideration: str = ""

    @property
    def kind(self) -> str:
        """The flow kind of the deal's type: investment, hardware, services, debt, warrant, revenue, none."""
        return FLOW_KIND.get(self.type, "none")

    def entities(self) -> tuple[str, ...]:
        """Every entity the deal names, payer first."""
        ids = [self.payer, self.payee, *(p.entity for p in self.parties)]
        ids += [x for f in self.flows for x in (f.payer, f.payee)]
        return tuple(dict.fromkeys(i for i in ids if i))

    def status_on(self, on: date | None) -> Status | None:
        """The deal's status on a date, from its events (``None``: not yet known then)."""
        if on is None:
            return self.status
        dated = sorted((e for e in self.events if e.date <= on), key=lambda e: e.date)
        if dated:
            return dated[-1].status
        if self.announced is not None and self.announced <= on:
            return self.status if not self.events else Status.ANNOUNCED
        if self.announced is None and not self.events:
            return self.status
        return None

    def completed_on(self) -> date | None:
        """The date of the deal's latest ``completed`` event when its status is completed, else None."""
        if self.status is not Status.COMPLETED:
            return None
        done = [e.date for e in self.events if e.status is Status.COMPLETED]
        return max(done) if done else None

    def pairwise_flows(self) -> tuple[Flow, ...]:
        """The flows this deal makes: its explicit ``flows``, else payer -> payee for the whole amount.

        A deal of kind ``none`` (a partnership with no money moving) makes no flow.
        """
        if self.flows:
            return self.flows
        if self.kind == "none" or not (self.payer and self.payee):
            return ()
        return (Flow(self.payer, self.payee, self.amount, self.id, self.kind),)


@dataclass(frozen=True, slots=True)
class Fact:
    """A number about one entity: ``metric`` (``rpo``, ``revenue``, ``capex``, ``market_cap``...) of ``value``.

    ``period`` is written as the entity's own fiscal label (``FY2026 Q1``) or a calendar one (``2025``,
    ``2025-Q3``); ``as_of`` is the date the value holds on (a balance, a market value). ``includes`` names
    deals of the ledger whose payments are part of this figure (Oracle's capex includes its Nvidia chip
    order), so that a reader adding both can carve them out instead of counting them twice.
    """

    id: str
    entity: str
    metric: str
    value: Amount
    period: str | None = None
    as_of: date | None = None
    claims: tuple[Claim, ...] = ()
    note: str = ""
    pos: Pos | None = None
    includes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Conflict:
    """Sources that disagree about one field of one record (all claims are kept; this marks them)."""

    record: str
    field: str
    kind: str
    message: str
    claims: tuple[Claim, ...] = ()
    pos: Pos | None = None


@dataclass(frozen=True)
class Ledger:
    """The whole ledger in memory: what ``dealweb.ledger.load_ledger`` returns."""

    name: str = "ledger"
    description: str = ""
    entities: dict[str, Entity] = field(default_factory=dict)
    documents: dict[str, Document] = field(default_factory=dict)
    deals: dict[str, Deal] = field(default_factory=dict)
    facts: dict[str, Fact] = field(default_factory=dict)
    fx: FxTable = field(default_factory=FxTable)
    conflicts: tuple[Conflict, ...] = ()
    root: str | None = None
    documents_dirs: tuple[str, ...] = ()
    window: Window | None = None
    analyses: Analyses | None = None

    def is_history(self, deal: Deal) -> bool:
        """Whether a deal is history: completed before the ledger's window starts (not a live flow).

        Needs a window and a dated ``completed`` event before its start; anything else is live.
        """
        if self.window is None:
            return False
        done = deal.completed_on()
        return done is not None and done < self.window.start

    def live_deals(self) -> list[Deal]:
        """Deals that are not history (see :meth:`is_history`)."""
        return [d for d in self.deals.values() if not self.is_history(d)]

    def entity(self, key: str) -> Entity:
        """The entity with this id, name or alias (case-insensitive); ``KeyError`` with a hint otherwise."""
        if key in self.entities:
            return self.entities[key]
        k = key.casefold()
        for e in self.entities.values():
            if e.id.casefold() == k or any(n.casefold() == k for n in e.all_names()):
                return e
        raise KeyError(key)

    def deals_on(self, on: date | None = None, include_cancelled: bool = False) -> list[Deal]:
        """Deals known on ``on`` (all when ``None``), without cancelled ones unless asked."""
        out = []
        for d in self.deals.values():
            st = d.status_on(on)
            if st is None or (st is Status.CANCELLED and not include_cancelled):
                continue
            out.append(d)
        return out

    def flows_on(self, on: date | None = None) -> list[Flow]:
        """Pairwise flows of the deals live on ``on``."""
        return [f for d in self.deals_on(on) for f in d.pairwise_flows()]

    def facts_for(self, entity: str, metric: str | None = None) -> list[Fact]:
        """Facts about an entity, optionally of one metric."""
        return [f for f in self.facts.values() if f.entity == entity and (metric is None or f.metric == metric)]

    def origin_of(self, document: str) -> str:
        """The independent origin a document carries.

        Its ``origin``, else the origin of the document it is ``syndicated_from`` (followed transitively,
        cycles stop), else its own id.
        """
        seen: set[str] = set()
        cur = document
        while cur in self.documents and cur not in seen:
            seen.add(cur)
            doc = self.documents[cur]
            if doc.origin:
                return doc.origin
            if not doc.syndicated_from:
                return cur
            cur = doc.syndicated_from
        return cur

    def origins(self, record: str) -> list[str]:
        """The distinct independent origins behind a deal or fact, sorted.

        Counts its claims and its events' claims; claims flagged ``joke`` back nothing and are left out.
        Syndicated copies count once.
        """
        out = {self.origin_of(c.document) for rid, c in self.claims() if rid == record and c.flag != "joke"}
        return sorted(out)

    def claims(self) -> Iterable[tuple[str, Claim]]:
        """Every claim in the ledger with the id of the record it supports."""
        for d in self.deals.values():
            for c in d.claims:
                yield d.id, c
            for e in d.events:
                for c in e.claims:
                    yield d.id, c
            for r in d.per_year:
                for c in r.claims:
                    yield d.id, c
            for t in d.tranches:
                for c in t.claims:
                    yield d.id, c
        for f in self.facts.values():
            for c in f.claims:
                yield f.id, c
