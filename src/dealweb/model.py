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
    "Status",
    "Tier",
    "Tranche",
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
    """A dated change in a deal's life: announced, signed, ``cancelled`` ("fizzled"), amended."""

    date: date
    status: Status
    note: str = ""
    claims: tuple[Claim, ...] = ()
    pos: Pos | None = None


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

    Examples: ``per_gw`` ($10B for each GW deployed), ``share_price`` (vests at $600), ``milestone``, ``date``.
    """

    trigger: str
    amount: Amount | None = None
    quantity: Amount | None = None
    threshold: float | None = None
    date: date | None = None
    note: str = ""


@dataclass(frozen=True, slots=True)
class Deal:
    """One deal however many outlets report it; disagreeing claims are all kept.

    A two-party deal has ``payer`` and ``payee``. A deal with more parties (Stargate) lists ``parties`` and
    states its pairwise ``flows`` explicitly; none are guessed.
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
    ``2025-Q3``); ``as_of`` is the date the value holds on (a balance, a market value).
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

    def claims(self) -> Iterable[tuple[str, Claim]]:
        """Every claim in the ledger with the id of the record it supports."""
        for d in self.deals.values():
            for c in d.claims:
                yield d.id, c
            for e in d.events:
                for c in e.claims:
                    yield d.id, c
        for f in self.facts.values():
            for c in f.claims:
                yield f.id, c
