"""Cap-table restructuring: taking a holder from one stake to a smaller one, by transfer or by issuance.

The TikTok US question (虎嗅APP, "TikTok交易的下一步"): "字節跳動目前持有TikTok的100%的股份,如何把它的股份從
100%降到20%?" The two plain routes differ in who receives the money ("收款方到底是字節跳動,還是TikTok這家目標公司"):

* **transfer** (轉股): the holder sells ``(from - to)`` of the company to new investors at the valuation;
  the holder receives ``(from - to) x V``; the company receives nothing; no new shares.
* **issuance** (增發): the company issues new shares to new investors at the same price until the holder's
  unchanged share count is ``to`` of the total; the company receives ``V x (from / to - 1)``, the holder
  receives nothing, every existing holder is diluted by the factor ``to / from``.
* **mixed** (optional): transfer down to an intermediate stake ``via``, then issue down to ``to``.

``V`` is the pre-money valuation of 100% of the company (US dollars), so the price per share is
``V / shares_outstanding`` on every route. At that price no one is made richer or poorer: the holder's
cash plus the value of its remaining stake at the post-money valuation equals ``from x V`` on each route
(the tests check this).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dealweb.errors import InputError
from dealweb.i18n import Msg
from dealweb.metrics.common import (
    ASSUMPTION,
    Source,
    effective_sources,
    input_entry,
    quantity,
    require_fraction,
    require_positive,
    source_of,
)

__all__ = ["DEFAULT_CAP_TABLE_SOURCES", "CapTableInputs", "CapTableResult", "Route", "cap_table"]

DEFAULT_CAP_TABLE_SOURCES: dict[str, Source] = {
    "shares_outstanding": Source(kind=ASSUMPTION, ref="normalising share count",
                                 note=Msg("assume.note.shares_1e9")),
}


@dataclass(frozen=True)
class CapTableInputs:
    """Inputs of the restructuring.

    Attributes:
        from_stake: the holder's stake before, fraction in (0, 1].
        to_stake: the holder's stake after, fraction in (0, from_stake].
        valuation: pre-money valuation of 100% of the company, US dollars (> 0).
        shares_outstanding: shares before the deal (> 0); only sets the per-share figures.
        via: optional intermediate stake for the mixed route, ``to_stake <= via <= from_stake``.
        sources: where each input came from, by field name.
    """

    from_stake: float
    to_stake: float
    valuation: float
    shares_outstanding: float = 1.0e9
    via: float | None = None
    sources: dict[str, Source] = field(default_factory=dict)


@dataclass(frozen=True)
class Route:
    """One way to move the holder from ``from_stake`` to ``to_stake``; money in US dollars.

    Attributes:
        name: ``transfer``, ``issuance`` or ``mixed``.
        holder_receives: cash paid to the selling holder.
        company_receives: new money paid into the company.
        investors_pay: total paid by the new investors (= holder_receives + company_receives).
        price_per_share: US dollars per share (the same on every route).
        shares_transferred: existing shares sold by the holder.
        shares_issued: new shares created.
        shares_after: shares outstanding after.
        post_money_valuation: value of 100% of the company after, at the price.
        holder_stake: the holder's stake after, fraction.
        other_existing_stake: the other existing holders' stake after, fraction.
        new_investors_stake: the new investors' stake after, fraction.
        dilution: fall of every existing holder's stake from new shares, fraction (0 for a transfer).
        holder_value_after: holder's cash plus its stake at the post-money valuation.
    """

    name: str
    holder_receives: float
    company_receives: float
    investors_pay: float
    price_per_share: float
    shares_transferred: float
    shares_issued: float
    shares_after: float
    post_money_valuation: float
    holder_stake: float
    other_existing_stake: float
    new_investors_stake: float
    dilution: float
    holder_value_after: float

    _UNITS = {
        "holder_receives": "usd", "company_receives": "usd", "investors_pay": "usd",
        "price_per_share": "usd_per_share", "shares_transferred": "shares", "shares_issued": "shares",
        "shares_after": "shares", "post_money_valuation": "usd", "holder_stake": "fraction",
        "other_existing_stake": "fraction", "new_investors_stake": "fraction", "dilution": "fraction",
        "holder_value_after": "usd",
    }

    def as_dict(self) -> dict[str, object]:
        """Stable keys: name plus each field above as {value, unit}."""
        out: dict[str, object] = {"name": self.name}
        for key, unit in self._UNITS.items():
            out[key] = quantity(getattr(self, key), unit)
        return out


@dataclass(frozen=True)
class CapTableResult:
    """The routes from ``from_stake`` to ``to_stake``: transfer, issuance and (when ``via`` is given) mixed."""

    routes: tuple[Route, ...]
    inputs: CapTableInputs
    assumptions: tuple[str, ...]

    def route(self, name: str) -> Route:
        """The route called ``name`` (``KeyError`` if absent)."""
        for r in self.routes:
            if r.name == name:
                return r
        raise KeyError(name)

    def as_dict(self) -> dict[str, object]:
        """Stable keys: metric, inputs, assumptions, routes (a mapping name -> route)."""
        i = self.inputs
        s = effective_sources(i, DEFAULT_CAP_TABLE_SOURCES)
        inputs = {
            "from_stake": input_entry(i.from_stake, "fraction", source_of(s, "from_stake")),
            "to_stake": input_entry(i.to_stake, "fraction", source_of(s, "to_stake")),
            "valuation": input_entry(i.valuation, "usd", source_of(s, "valuation")),
            "shares_outstanding": input_entry(i.shares_outstanding, "shares", source_of(s, "shares_outstanding")),
        }
        if i.via is not None:
            inputs["via"] = input_entry(i.via, "fraction", source_of(s, "via"))
        return {
            "metric": "cap_table",
            "inputs": inputs,
            "assumptions": list(self.assumptions),
            "routes": {r.name: r.as_dict() for r in self.routes},
        }


def _check(i: CapTableInputs) -> None:
    require_fraction("from_stake", i.from_stake, "a stake as a fraction, e.g. --from 1.0", allow_zero=False)
    require_fraction("to_stake", i.to_stake, "a stake as a fraction, e.g. --to 0.2", allow_zero=False)
    if i.to_stake > i.from_stake:
        raise InputError(f"the stake after ({i.to_stake:g}) is above the stake before ({i.from_stake:g})",
                         "this metric reduces a stake: pass --from larger than --to, e.g. --from 1.0 --to 0.2")
    require_positive("valuation", i.valuation, "the pre-money value of 100% of the company, e.g. 100e9")
    require_positive("shares_outstanding", i.shares_outstanding, "a share count, e.g. 1e9")
    if i.via is not None:
        require_fraction("via", i.via, "an intermediate stake", allow_zero=False)
        if not i.to_stake <= i.via <= i.from_stake:
            raise InputError(f"via ({i.via:g}) must lie between to ({i.to_stake:g}) and from ({i.from_stake:g})",
                             "the mixed route sells down to --via, then issues down to --to")


def _route(name: str, f: float, s: float, t: float, value: float, shares: float) -> Route:
    """Sell from ``f`` to ``s`` (transfer), then issue from ``s`` to ``t``; price ``value / shares``."""
    price = value / shares
    transferred = (f - s) * shares
    holder_shares = s * shares  # after the transfer (if any) the holder owns s of the unchanged share count
    shares_after = holder_shares / t
    issued = shares_after - shares
    holder_receives = transferred * price
    company_receives = issued * price
    post = shares_after * price
    other = (1.0 - f) * shares / shares_after
    holder_stake = holder_shares / shares_after
    new_inv = 1.0 - holder_stake - other
    return Route(
        name=name,
        holder_receives=holder_receives,
        company_receives=company_receives,
        investors_pay=holder_receives + company_receives,
        price_per_share=price,
        shares_transferred=transferred,
        shares_issued=issued,
        shares_after=shares_after,
        post_money_valuation=post,
        holder_stake=holder_stake,
        other_existing_stake=other,
        new_investors_stake=new_inv,
        dilution=1.0 - shares / shares_after,
        holder_value_after=holder_receives + holder_stake * post,
    )


def cap_table(inputs: CapTableInputs) -> CapTableResult:
    """The money, price and dilution of moving a holder from ``from_stake`` to ``to_stake``.

    Formulas (``f`` from, ``t`` to, ``V`` pre-money valuation):

    * transfer: holder receives ``(f - t) V``; company receives 0; dilution 0;
    * issuance: company receives ``V (f / t - 1)``; post-money ``V f / t``; dilution ``1 - t / f``;
    * mixed via ``s``: holder receives ``(f - s) V``; company receives ``V (s / t - 1)``.

    Args:
        inputs: the stakes, the valuation, the share count and optionally ``via``.

    Returns:
        A :class:`CapTableResult` with the routes.

    Raises:
        InputError: a stake outside (0, 1], ``to > from``, a valuation or share count <= 0, a bad ``via``.

    >>> r = cap_table(CapTableInputs(from_stake=1.0, to_stake=0.2, valuation=100e9))
    >>> r.route("transfer").holder_receives / 1e9, r.route("issuance").company_receives / 1e9
    (80.0, 400.0)
    """
    _check(inputs)
    f, t, v, n = inputs.from_stake, inputs.to_stake, inputs.valuation, inputs.shares_outstanding
    routes = [_route("transfer", f, t, t, v, n), _route("issuance", f, f, t, v, n)]
    if inputs.via is not None:
        routes.append(_route("mixed", f, inputs.via, t, v, n))
    assumptions = (
        Msg("assume.cap_table.price"),
        Msg("assume.cap_table.no_premium"),
        Msg("assume.cap_table.others"),
    )
    return CapTableResult(routes=tuple(routes), inputs=inputs, assumptions=assumptions)
