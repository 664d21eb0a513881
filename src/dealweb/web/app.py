"""The local web app: FastAPI routes for pages and a JSON API described at ``/openapi.json``.

Safety, in order of the request's path:

* request bodies above ``max_body`` bytes are refused with 413 before they are read whole;
* the ``Host`` header must name this machine (DNS-rebinding guard);
* every write needs the token printed at start-up in ``X-Dealweb-Token`` (compared in constant time,
  ``hmac.compare_digest``), else 401; in ``--read-only`` mode, or on the bundled ledger, writes get 403;
* saving refuses to overwrite a file that changed since it was read (409);
* pages are Jinja2 templates with autoescaping, served with a Content-Security-Policy that allows
  scripts from this origin only; no CDN.

Pages speak the language chosen with ``?lang=en|zh-Hant|zh-Hans`` (remembered in the ``dealweb_lang``
cookie): words from the message catalogues (:mod:`dealweb.i18n`), names in that script, amounts in 億/兆.
"""


import datetime as dt
import hmac
from contextvars import ContextVar
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Header, HTTPException, Query, Request
from fastapi import Path as FPath
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from jinja2 import ChoiceLoader, Environment, PackageLoader, select_autoescape
from markupsafe import Markup
from pydantic import BaseModel, ConfigDict, Field
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from dealweb import __version__
from dealweb.errors import DealwebError
from dealweb.i18n import LANGS, Msg, Verbatim, messages
from dealweb.model import DEAL_TYPES, FLOW_KIND, Deal, Ledger
from dealweb.report.html import say_html
from dealweb.report.payload import deal_payload, entity_payload, fact_payload, script_json
from dealweb.report.svg import usd_short
from dealweb.web.jobs import JobBoard
from dealweb.web.state import AppState

__all__ = ["MAX_BODY", "create_app"]

#: Largest request body accepted, in bytes (2 MiB: an article is kilobytes).
MAX_BODY = 2 * 1024 * 1024
_KINDS = tuple(sorted(set(FLOW_KIND.values())))
_CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
#: The language of the request being served (set by the app's middleware from ?lang= or the cookie).
_LANG: ContextVar[str] = ContextVar("dealweb_lang", default="en")
#: Above this many entities the map page opens on one firm's neighbourhood (searchable), not the whole web.
BIG_WEB = 1000


def _search_entities(ledger: Any, q: str, lang: str) -> list[tuple[str, str]]:
    """Entities whose id, names or aliases contain ``q`` (case-insensitive): exact id or name first."""
    from dealweb.i18n import entity_name

    needle = q.casefold()
    hits = []
    for e in ledger.entities.values():
        texts = [e.id, *e.names.values(), *e.aliases]
        if any(needle in x.casefold() for x in texts):
            exact = any(needle == x.casefold() for x in texts)
            hits.append((not exact, len(e.id), e.id, entity_name(e, lang)))
    hits.sort()
    return [(i, n) for _, _, i, n in hits]


def _largest_firm(ledger: Any) -> str:
    """The entity with the most USD (mid) on its deals' flows; the first id when none has a figure."""
    total: dict[str, float] = {}
    for d in ledger.deals.values():
        for f in d.pairwise_flows():
            v = f.amount.usd("mid") if f.amount is not None else None
            if v:
                total[f.payer] = total.get(f.payer, 0.0) + v
                total[f.payee] = total.get(f.payee, 0.0) + v
    return min(total, key=lambda i: (-total[i], i)) if total else min(ledger.entities)
_LANG_COOKIE = "dealweb_lang"


def _request_lang(request: Request) -> str:
    """The page language: ``?lang=`` when it names one of :data:`LANGS`, else the cookie, else English."""
    for v in (request.query_params.get("lang"), request.cookies.get(_LANG_COOKIE)):
        if v in LANGS:
            return v
    return "en"


_REPORT_CSP = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; "
               "frame-ancestors 'none'; base-uri 'none'")


class BodyLimit:
    """ASGI middleware: 413 for bodies larger than ``limit`` bytes (declared or streamed)."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for k, v in scope.get("headers", []):
            if k == b"content-length":
                try:
                    too_big = int(v) > self.limit
                except ValueError:
                    too_big = True
                if too_big:
                    await _refuse(send, 413, f"request body larger than {self.limit} bytes")
                    return
        seen = 0
        refused = False

        async def limited() -> Message:
            nonlocal seen, refused
            if refused:
                return {"type": "http.disconnect"}
            msg = await receive()
            if msg["type"] == "http.request":
                seen += len(msg.get("body", b""))
                if seen > self.limit:
                    # Answer 413 now; the app sees the client gone and whatever it sends is dropped.
                    refused = True
                    await _refuse(send, 413, f"request body larger than {self.limit} bytes")
                    return {"type": "http.disconnect"}
            return msg

        async def guarded_send(msg: Message) -> None:
            if not refused:
                await send(msg)

        await self.app(scope, limited, guarded_send)


async def _refuse(send: Send, status: int, detail: str) -> None:
    body = script_json({"detail": detail}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


class DocumentIn(BaseModel):
    """The source document of a posted article (becomes a ledger document when a claim is accepted)."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,79}$", description="ledger id, e.g. reuters-2025-10-01")
    title: str = Field(min_length=1, max_length=500)
    outlet: str = Field("", max_length=200)
    date: dt.date | None = None
    language: str = Field("en", pattern=r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
    url: str = Field("", max_length=2000)


class ArticleIn(BaseModel):
    """An article's text to read claims from (plain text, Markdown or HTML)."""

    model_config = ConfigDict(extra="forbid")
    text: str = Field(max_length=1_000_000)
    document: DocumentIn


class ProposalsIn(BaseModel):
    """Claims proposed elsewhere (``dealweb ingest --json``), with their document when it is new."""

    model_config = ConfigDict(extra="forbid")
    proposals: list[dict[str, Any]] = Field(max_length=2000)
    document: DocumentIn | None = None


class AcceptDocumentIn(BaseModel):
    """What the person says about a new document when accepting (fills what the article form left out)."""

    model_config = ConfigDict(extra="forbid")
    title: str = Field("", max_length=500)
    outlet: str = Field("", max_length=200)
    date: dt.date | None = None
    url: str = Field("", max_length=2000)


class AcceptIn(BaseModel):
    """The person's answers sent with an accept: firms to add (names by script), a conflict's outcome."""

    model_config = ConfigDict(extra="forbid")
    entities: dict[Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_.-]{0,79}$")],
                   dict[Literal["en", "zh-Hant", "zh-Hans"], Annotated[str, Field(max_length=200)]]] = Field(
        default_factory=dict, max_length=20)
    on_conflict: Literal["disputed", "plain"] | None = None
    document: AcceptDocumentIn | None = None


class StressIn(BaseModel):
    """A stress scenario to run in the background."""

    model_config = ConfigDict(extra="forbid")
    scenario: str = Field(min_length=1, max_length=100)
    draws: int | None = Field(None, ge=1, le=100_000)  # None: the scenario's (dealweb's one default)
    seed: int | None = Field(None, ge=0, le=2**63 - 1)  # None: the scenario's (dealweb's one default)
    include: list[Literal["conditional", "rumoured"]] = Field(default_factory=list, max_length=2)  # []: firm only


@cache
def _env() -> Environment:
    env = Environment(loader=ChoiceLoader([PackageLoader("dealweb.web", "templates"),
                                           PackageLoader("dealweb.report", "templates")]),
                      autoescape=select_autoescape(default=True),
                      trim_blocks=True, lstrip_blocks=True)
    env.filters["usd"] = usd_short
    from dealweb.report.rooms import said_text

    env.globals.update(msg=Msg, verbatim=Verbatim, said=said_text)
    return env


@cache
def _static(name: str) -> str:
    if name == "report.css":
        return resources.files("dealweb.report").joinpath("static", name).read_text(encoding="utf-8")
    return resources.files("dealweb.web").joinpath("static", name).read_text(encoding="utf-8")


def _overlaps(deal: Deal, lo: float | None, hi: float | None) -> bool:
    """Whether the deal's USD interval meets ``[lo, hi]`` (deals with no USD figure never do)."""
    a = deal.amount
    if a is None:
        return False
    low, high = a.usd_low, a.usd_high if a.high is not None else float("inf")
    if low is None:
        return False
    if high is None:
        high = float("inf")
    return (lo is None or high >= lo) and (hi is None or low <= hi)


def filter_deals(ledger: Ledger, on: date | None = None, type: str | None = None, kind: str | None = None,
                 entity: str | None = None, status: str | None = None, min_usd: float | None = None,
                 max_usd: float | None = None) -> list[Deal]:
    """Deals matching every given filter, by announcement date then id."""
    deals = ledger.deals_on(on, include_cancelled=True) if on else list(ledger.deals.values())
    out = []
    for d in deals:
        if type and d.type != type:
            continue
        if kind and d.kind != kind:
            continue
        if entity and entity not in d.entities():
            continue
        st = d.status_on(on) if on else d.status
        if status and str(st) != status:
            continue
        if (min_usd is not None or max_usd is not None) and not _overlaps(d, min_usd, max_usd):
            continue
        out.append(d)
    return sorted(out, key=lambda d: (d.announced or date.max, d.id))


def create_app(ledger_path: str | Path | None = None, token: str = "", read_only: bool = False,
               documents_dirs: tuple[str, ...] | list[str] = (), max_body: int = MAX_BODY,
               allowed_hosts: list[str] | None = None) -> FastAPI:
    """Build the app for one ledger.

    Args:
        ledger_path: the ledger directory (``None``: the bundled ledger, which is never written).
        token: the write token; writes need it in ``X-Dealweb-Token`` (an empty token refuses every write).
        read_only: refuse every write with 403.
        documents_dirs: extra folders where the cited documents' texts live.
        max_body: largest request body in bytes (413 above it).
        allowed_hosts: ``Host`` header values accepted (default: this machine's loopback names).

    Returns:
        The FastAPI application (serve it with uvicorn).
    """
    state = AppState(None if ledger_path is None else str(ledger_path), tuple(documents_dirs))
    state.load()
    jobs = JobBoard()
    # No Swagger/ReDoc pages: they load their scripts from a CDN. The description is at /openapi.json.
    app = FastAPI(title="dealweb", version=__version__, docs_url=None, redoc_url=None,
                  description="Browse a dealweb ledger, review claims proposed from articles, run stress tests. "
                              "Writes need the X-Dealweb-Token header printed by `dealweb serve`.")
    app.state.dealweb = state
    app.state.jobs = jobs
    hosts = allowed_hosts or ["127.0.0.1", "localhost", "[::1]", "::1"]
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=hosts)
    app.add_middleware(BodyLimit, limit=max_body)

    def server_paths() -> list[str]:
        """The server's folders a response must not show (longest first): ledger, documents, package, cwd, home."""
        found = set()
        if state.root is not None:
            found.add(state.root if state.root.is_dir() else state.root.parent)
        found.update(Path(d) for d in (*documents_dirs, *state.ledger.documents_dirs))
        found.update((Path(__file__).resolve().parent.parent, Path.cwd(), Path.home()))
        out: set[str] = set()
        for p in found:
            for q in (p, p.resolve()):
                if len(str(q)) > 1:
                    out.add(str(q))
        return sorted(out, key=len, reverse=True)

    @app.middleware("http")
    async def security_headers(request: Request, call_next):  # noqa: ANN001, ANN202 - Starlette signature
        lang = _request_lang(request)
        _LANG.set(lang)
        response = await call_next(request)
        ctype = response.headers.get("content-type", "")
        if ctype.startswith(("application/json", "text/", "image/svg")):
            # No response shows the server's filesystem: a record's position (file:line), a file list, a
            # message naming a file, all say paths relative to the ledger (or the bare name) instead.
            body = b"".join([chunk async for chunk in response.body_iterator])
            text = body.decode("utf-8", errors="surrogateescape")
            for p in server_paths():
                text = text.replace(p + "/", "").replace(p, ".")
            headers = {k: v for k, v in response.headers.items() if k.lower() != "content-length"}
            response = Response(text.encode("utf-8", errors="surrogateescape"), status_code=response.status_code,
                                headers=headers, media_type=response.media_type)
        if request.query_params.get("lang") in LANGS:
            response.set_cookie(_LANG_COOKIE, lang, max_age=365 * 86400, samesite="strict", httponly=True)
        response.headers.setdefault("Content-Security-Policy", _CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    @app.exception_handler(DealwebError)
    async def dealweb_error(request: Request, exc: DealwebError) -> JSONResponse:
        from dealweb.ledger.write import StaleFileError

        code = 409 if isinstance(exc, StaleFileError) else 422
        body: dict[str, Any] = {"detail": exc.message, "hint": exc.hint}
        if getattr(exc, "needs", None):  # an accept waiting for the person's answers (the page asks them)
            body["needs"] = exc.needs
        return JSONResponse(body, status_code=code)

    def may_write(x_dealweb_token: Annotated[str | None, Header()] = None) -> None:
        if read_only:
            raise HTTPException(403, "this app is read-only (started with --read-only)")
        if not token or x_dealweb_token is None or not hmac.compare_digest(
                x_dealweb_token.encode("utf-8", "surrogateescape"), token.encode()):
            raise HTTPException(401, "write requests need the X-Dealweb-Token printed when the app started")

    def may_write_ledger(_: Annotated[None, Depends(may_write)]) -> None:
        if not state.writable:
            raise HTTPException(403, "the bundled ledger is read-only: copy it and run `dealweb serve COPY`")

    def page(name: str, **ctx: Any) -> HTMLResponse:
        lang = _LANG.get()
        ctx.setdefault("t", messages(lang))
        ctx.setdefault("lang", lang)
        ctx.setdefault("langs", [(code, messages(code)("lang.name")) for code in LANGS])
        ctx.setdefault("ledger", state.ledger)
        ctx.setdefault("read_only", read_only or not state.writable)
        ctx.setdefault("say", lambda x: say_html(x, lang))
        ctx["js_messages"] = Markup(script_json(messages(lang).subset("web.js.") | messages(lang).subset("fan.")
                                              | messages(lang).subset("type.")))  # noqa: S704
        return HTMLResponse(_env().get_template(name).render(**ctx))

    def _404(what: str, key: str) -> HTTPException:
        return HTTPException(404, f"no {what} {key!r} in this ledger")

    # ---- static --------------------------------------------------------------------------------------
    @app.get("/static/{name}", include_in_schema=False)
    def static(name: Literal["app.js", "app.css", "report.css"]) -> Response:
        media = "text/javascript" if name.endswith(".js") else "text/css"
        return PlainTextResponse(_static(name), media_type=media)

    # ---- JSON API ------------------------------------------------------------------------------------
    @app.get("/api/ledger", tags=["ledger"])
    def api_ledger() -> dict[str, Any]:
        """The ledger being served: name, counts, files with their SHA-256 as read, mode."""
        lg = state.ledger
        return {"name": lg.name, "description": lg.description, "version": __version__,
                "read_only": read_only or not state.writable, "bundled": not state.writable,
                "counts": {"entities": len(lg.entities), "deals": len(lg.deals), "facts": len(lg.facts),
                           "documents": len(lg.documents), "conflicts": len(lg.conflicts)},
                "files": [{"path": p, "sha256": h} for p, h in sorted(state.hashes.items())],
                "warnings": state.problems}

    @app.get("/api/entities", tags=["ledger"])
    def api_entities(q: Annotated[str | None, Query(max_length=200)] = None,
                     kind: Annotated[str | None, Query(max_length=40)] = None) -> list[dict[str, Any]]:
        """Entities, optionally those whose id, ticker, name or alias (in either Chinese script) contains ``q``.

        Matching folds full-width forms, case, spaces and hyphens; best match first (``dealweb.web.search``).
        """
        from dealweb.web.search import search_entities

        return [entity_payload(state.ledger, e) for e in search_entities(state.ledger, q, kind)]

    @app.get("/api/entities/{entity_id}", tags=["ledger"])
    def api_entity(entity_id: str) -> dict[str, Any]:
        """One entity, with its deals and facts."""
        try:
            e = state.ledger.entity(entity_id)
        except KeyError:
            raise _404("entity", entity_id) from None
        return entity_payload(state.ledger, e)

    @app.get("/api/deals", tags=["ledger"])
    def api_deals(
        on: Annotated[date | None, Query(description="deals known on this date (YYYY-MM-DD)")] = None,
        type: Annotated[Literal[DEAL_TYPES] | None, Query(description="deal type")] = None,  # type: ignore[valid-type]
        kind: Annotated[Literal[_KINDS] | None, Query(description="flow kind")] = None,  # type: ignore[valid-type]
        entity: Annotated[str | None, Query(max_length=100)] = None,
        status: Annotated[str | None, Query(max_length=40)] = None,
        min_usd: Annotated[float | None, Query(ge=0, le=1e16, description="USD; interval overlap")] = None,
        max_usd: Annotated[float | None, Query(ge=0, le=1e16, description="USD; interval overlap")] = None,
    ) -> list[dict[str, Any]]:
        """Deals filtered by date, type, flow kind, party, status and USD amount (interval overlap)."""
        return [deal_payload(state.ledger, d) for d in filter_deals(
            state.ledger, on, type, kind, entity, status, min_usd, max_usd)]

    @app.get("/api/deals/{deal_id}", tags=["ledger"])
    def api_deal(deal_id: str) -> dict[str, Any]:
        """One deal with every claim (quote, outlet, title, date) and its conflicts."""
        d = state.ledger.deals.get(deal_id)
        if d is None:
            raise _404("deal", deal_id)
        return deal_payload(state.ledger, d)

    @app.get("/api/facts", tags=["ledger"])
    def api_facts(entity: Annotated[str | None, Query(max_length=100)] = None,
                  metric: Annotated[str | None, Query(max_length=60)] = None) -> list[dict[str, Any]]:
        """Facts, optionally of one entity and one metric."""
        return [fact_payload(state.ledger, f) for f in sorted(state.ledger.facts.values(), key=lambda f: f.id)
                if (not entity or f.entity == entity) and (not metric or f.metric == metric)]

    @app.get("/api/facts/{fact_id}", tags=["ledger"])
    def api_fact(fact_id: str) -> dict[str, Any]:
        """One fact with its claims."""
        f = state.ledger.facts.get(fact_id)
        if f is None:
            raise _404("fact", fact_id)
        return fact_payload(state.ledger, f)

    @app.get("/api/documents", tags=["ledger"])
    def api_documents() -> list[dict[str, Any]]:
        """The source documents."""
        return [{"id": d.id, "title": d.title, "outlet": d.outlet, "date": d.date.isoformat() if d.date else None,
                 "language": d.language, "tier": str(d.tier), "url": d.url}
                for d in sorted(state.ledger.documents.values(), key=lambda d: d.id)]

    @app.get("/api/conflicts", tags=["ledger"])
    def api_conflicts() -> list[dict[str, Any]]:
        """Where the sources disagree (derived by the loader)."""
        return [{"record": c.record, "field": c.field, "kind": c.kind, "message": c.message}
                for c in state.ledger.conflicts]

    @app.get("/api/map.svg", tags=["map"], response_class=Response,
             responses={200: {"content": {"image/svg+xml": {}}}})
    def api_map(on: date | None = None,
                size: Literal["auto", "market_cap", "flow", "none"] = "auto",
                lang: Literal["en", "zh-Hant", "zh-Hans"] = "en") -> Response:
        """The map as SVG (loops highlighted when the graph room is installed), in ``lang``."""
        from dealweb.report import map_svg, map_view
        from dealweb.report.analysis import analysis_of

        an = analysis_of(state.ledger, on=on, stress=False)
        loop_deals = {d for r in an.loops for d in r.deals}
        svg = map_svg(map_view(state.ledger, on=on, loop_deals=loop_deals, size=size, lang=lang))
        return Response(svg, media_type="image/svg+xml")

    @app.get("/api/analysis", tags=["map"])
    def api_analysis(on: date | None = None) -> dict[str, Any]:
        """Loops, who pays, exposure and metrics, as the analytical rooms compute them."""
        from dealweb.report.analysis import analysis_of, as_dict

        return as_dict(analysis_of(state.ledger, on=on, stress=False))

    @app.post("/api/reload", tags=["ledger"], dependencies=[Depends(may_write)])
    def api_reload() -> dict[str, Any]:
        """Read the ledger again (after editing its files by hand)."""
        state.load()
        return api_ledger()

    # ---- review --------------------------------------------------------------------------------------
    @app.post("/api/articles", tags=["review"], dependencies=[Depends(may_write)])
    def api_articles(body: ArticleIn) -> list[dict[str, Any]]:
        """Read claims from an article's text and queue them for review (nothing is written yet)."""
        from dealweb.extract.ingest import ingest_text

        claims = ingest_text(body.text, document=body.document.id, ledger=state.ledger)
        doc = body.document.model_dump(mode="json")
        return [p.as_dict() for p in state.add_proposals(claims, doc, article=body.text)]

    @app.post("/api/proposals", tags=["review"], dependencies=[Depends(may_write)])
    def api_post_proposals(body: ProposalsIn) -> list[dict[str, Any]]:
        """Queue claims proposed elsewhere (``dealweb ingest --json``) for review."""
        doc = body.document.model_dump(mode="json") if body.document else None
        return [p.as_dict() for p in state.add_proposals(body.proposals, doc)]

    @app.get("/api/proposals", tags=["review"])
    def api_proposals(state_: Annotated[Literal["pending", "accepted", "rejected"] | None,
                                        Query(alias="state")] = None) -> list[dict[str, Any]]:
        """Proposals waiting for review (or accepted / rejected ones)."""
        return [p.as_dict() for p in state.proposals.values() if state_ is None or p.state == state_]

    def _proposal(pid: str):  # noqa: ANN202
        p = state.proposals.get(pid)
        if p is None:
            raise HTTPException(404, f"no proposal {pid!r}")
        if p.state != "pending":
            raise HTTPException(409, f"proposal {pid!r} is already {p.state}")
        return p

    @app.post("/api/proposals/{pid}/accept", tags=["review"], dependencies=[Depends(may_write_ledger)],
              responses={409: {"description": "a ledger file changed since it was read"},
                         422: {"description": "the proposal cannot be written as it stands, or needs the "
                                              "person's answers ('needs')"}})
    def api_accept(pid: str, body: AcceptIn | None = None) -> dict[str, Any]:
        """Write the claim to the ledger (atomically, refusing to overwrite a file changed since it was read).

        A 422 answer with ``needs`` asks the person first: a new document's title, outlet or date; whether to
        add firms the ledger does not know (with their names by script); what to do with a conflicting
        claim. Post the answers back in the body (``entities``, ``on_conflict``, ``document``).
        """
        from dealweb.web.review import Answers, accept

        answers = Answers()
        if body is not None:
            answers.entities = {k: dict(v) for k, v in body.entities.items()}
            answers.on_conflict = body.on_conflict
            if body.document is not None:
                d = body.document.model_dump(mode="json")
                answers.document = {k: str(v) for k, v in d.items() if v}
        with state.lock:
            p = _proposal(pid)
            written, record = accept(state, p, answers)
            p.state, p.written, p.record = "accepted", written, record
            p.message = "already in the ledger" if written is None else f"written to {written}"
            if written is not None:
                state.load()
        return p.as_dict()

    @app.post("/api/proposals/{pid}/reject", tags=["review"], dependencies=[Depends(may_write)])
    def api_reject(pid: str) -> dict[str, Any]:
        """Drop a proposal (nothing is written)."""
        with state.lock:
            p = _proposal(pid)
            p.state = "rejected"
        return p.as_dict()

    # ---- stress --------------------------------------------------------------------------------------
    @app.get("/api/stress/scenarios", tags=["stress"])
    def api_scenarios() -> list[dict[str, Any]]:
        """The stress scenarios the simulation room offers."""
        from dealweb.web.stress import scenarios

        return scenarios()

    @app.post("/api/stress", tags=["stress"], status_code=202, dependencies=[Depends(may_write)])
    def api_stress(body: StressIn) -> dict[str, Any]:
        """Start a scenario in the background; poll ``/api/stress/{job}`` for its progress."""
        from dealweb.web.stress import runner, scenarios

        names = {s["name"] for s in scenarios()}
        if body.scenario not in names:
            raise HTTPException(422, f"unknown scenario {body.scenario!r}; one of: {', '.join(sorted(names))}")
        from dealweb.web.jobs import QueueFull

        try:
            job = jobs.start("stress", body.model_dump(), runner(state.ledger, body.scenario, body.draws, body.seed,
                                                                 lang=_LANG.get(), include=tuple(body.include)))
        except QueueFull as exc:
            raise HTTPException(429, f"{exc.message} ({exc.hint})") from None
        return job.as_dict()

    @app.get("/api/stress/queue", tags=["stress"])
    def api_queue() -> dict[str, int]:
        """The stress queue: jobs waiting, running, the most that may wait, and the workers."""
        return jobs.stats()

    @app.get("/api/stress/{job_id}", tags=["stress"])
    def api_job(job_id: str) -> dict[str, Any]:
        """A stress job's state and progress (0..1), and its result when done."""
        job = jobs.get(job_id)
        if job is None:
            raise HTTPException(404, f"no job {job_id!r}")
        return job.as_dict()

    # ---- pages ---------------------------------------------------------------------------------------
    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def home(q: Annotated[str | None, Query(max_length=200)] = None,
             kind: Annotated[str | None, Query(max_length=40)] = None) -> HTMLResponse:
        from dealweb.web.search import search_entities

        lg = state.ledger
        kinds = sorted({str(e.kind) for e in lg.entities.values()})
        shown = search_entities(lg, q, kind)
        return page("home.html", entities=[entity_payload(lg, e, _LANG.get()) for e in shown],
                    total=len(lg.entities), q=q or "", kind=kind or "", kinds=kinds)

    @app.get("/deals", response_class=HTMLResponse, include_in_schema=False)
    def deals_page(request: Request) -> HTMLResponse:
        qp = request.query_params
        errors = []

        def num(key: str) -> float | None:
            v = qp.get(key, "").strip().replace(",", "")
            if not v:
                return None
            try:
                x = float(v) * 1e9
            except ValueError:
                errors.append(f"{key} must be a number of billions of US dollars")
                return None
            return x

        on = None
        if qp.get("on"):
            try:
                on = date.fromisoformat(qp["on"])
            except ValueError:
                errors.append("the date must be written YYYY-MM-DD")
        typ = qp.get("type") if qp.get("type") in DEAL_TYPES else None
        knd = qp.get("kind") if qp.get("kind") in _KINDS else None
        ent = qp.get("entity") or None
        rows = filter_deals(state.ledger, on, typ, knd, ent, None, num("min_b"), num("max_b"))
        lang = _LANG.get()
        names = {e.id: messages(lang).name(e) for e in state.ledger.entities.values()}
        return page("deals.html", deals=[deal_payload(state.ledger, d, lang) for d in rows], q=dict(qp),
                    types=DEAL_TYPES, kinds=_KINDS, errors=errors,
                    entities=sorted(({"id": i, "name": n} for i, n in names.items()),
                                    key=lambda e: e["name"].casefold()))

    @app.get("/deals/{deal_id}", response_class=HTMLResponse, include_in_schema=False)
    def deal_page(deal_id: str) -> HTMLResponse:
        d = state.ledger.deals.get(deal_id)
        if d is None:
            raise _404("deal", deal_id)
        return page("deal.html", d=deal_payload(state.ledger, d, _LANG.get()))

    @app.get("/entities/{entity_id}", response_class=HTMLResponse, include_in_schema=False)
    def entity_page(entity_id: str) -> HTMLResponse:
        try:
            e = state.ledger.entity(entity_id)
        except KeyError:
            raise _404("entity", entity_id) from None
        lg, lang = state.ledger, _LANG.get()
        ep = entity_payload(lg, e, lang)
        return page("entity.html", e=ep, deals=[deal_payload(lg, lg.deals[i], lang) for i in ep["deals"]],
                    facts=[fact_payload(lg, lg.facts[i], lang) for i in ep["facts"]])

    @app.get("/facts", response_class=HTMLResponse, include_in_schema=False)
    def facts_page() -> HTMLResponse:
        lg = state.ledger
        facts = sorted(lg.facts.values(), key=lambda f: (f.entity, f.metric, f.as_of or date.min, f.id))
        return page("facts.html", facts=[fact_payload(lg, f, _LANG.get()) for f in facts])

    @app.get("/sources", response_class=HTMLResponse, include_in_schema=False)
    def sources_page() -> HTMLResponse:
        return page("sources.html", documents=api_documents(), conflicts=state.ledger.conflicts)

    @app.get("/map", response_class=HTMLResponse, include_in_schema=False)
    @app.get("/report", response_class=HTMLResponse, include_in_schema=False)
    def report_page(on: date | None = None, focus: str | None = None, q: str | None = None,
                    layout: Literal["spring", "layered"] = "spring",
                    view: Literal["core", "all"] = "core") -> HTMLResponse:
        from dealweb.report import render_report

        lg = state.ledger
        matches: list[tuple[str, str]] = []
        if q and q.strip():
            matches = _search_entities(lg, q.strip(), _LANG.get())
            if len(matches) == 1 or (matches and matches[0][0] == q.strip()):
                focus, matches = matches[0][0], []
        if focus is not None and focus not in lg.entities:
            raise _404("entity", focus)
        if focus is None and len(lg.entities) > BIG_WEB:
            focus = _largest_firm(lg)  # a web too big to draw whole opens on its largest firm's neighbourhood
        search = {"q": q or "", "matches": matches[:20], "entities": len(lg.entities)}
        html = render_report(lg, on=on, stress=False, lang=_LANG.get(), focus=focus, layout=layout, view=view,
                             search=search)
        return HTMLResponse(html, headers={"Content-Security-Policy": _REPORT_CSP})

    @app.get("/review", response_class=HTMLResponse, include_in_schema=False)
    def review_page() -> HTMLResponse:
        return page("review.html")

    @app.get("/stress", response_class=HTMLResponse, include_in_schema=False)
    def stress_page() -> HTMLResponse:
        from dealweb.web.stress import scenarios

        offered = scenarios(state.ledger)
        return page("stress.html", scenarios=offered, fitting=[s for s in offered if s["fits"]])

    # ---- the money layer's analyses as charts, and every chart for slides -----------------------------
    cached: dict[str, Any] = {}

    def analysis(on: date | None = None) -> Any:
        """The ledger's analysis without stress runs (computed once per ledger read and date)."""
        from dealweb.report.analysis import analysis_of

        key = (id(state.ledger), on)
        hit = cached.get("an")
        if hit is None or hit[0] != key or hit[1] is not state.ledger:
            cached["an"] = (key, state.ledger, analysis_of(state.ledger, on=on, stress=False))
        return cached["an"][2]

    def charts() -> dict[str, Any]:
        from dealweb.i18n import name_of
        from dealweb.report.charts import charts_of

        names = {e.id: name_of(e) for e in state.ledger.entities.values()}
        return dict(charts_of(analysis(), names))

    @app.get("/money", response_class=HTMLResponse, include_in_schema=False)
    def money_page() -> HTMLResponse:
        from dealweb.i18n import name_of
        from dealweb.report.charts import chart_svg

        lang = _LANG.get()
        an = analysis()
        shown = {name: Markup(chart_svg(c, lang)) for name, c in charts().items()}  # noqa: S704 - text escaped
        names = {e.id: name_of(e) for e in state.ledger.entities.values()}
        return page("money.html", an=an, charts=shown, names=names)

    @app.get("/charts/{file}", tags=["map"], response_class=Response,
             responses={200: {"content": {"image/svg+xml": {}, "image/png": {}}}, 404: {}, 422: {}})
    def chart_file(file: Annotated[str, FPath(max_length=120, pattern=r"^[a-z0-9-]+\.(en|zh-Hant|zh-Hans)\.(svg|png)$")]
                   ) -> Response:
        """A chart for slides: ``NAME.LANG.svg`` or ``.png`` (who-pays, exposure, loops), in that language."""
        from dealweb.report.charts import render_chart

        name, lang, fmt = file.rsplit(".", 2)
        chart = charts().get(name)
        if chart is None:
            raise HTTPException(404, f"no chart {name!r} for this ledger; one of: {', '.join(charts()) or 'none'}")
        data, _ = render_chart(chart, lang, fmt)
        media = "image/svg+xml" if fmt == "svg" else "image/png"
        return Response(data, media_type=media, headers={
            "Content-Disposition": f'attachment; filename="chart-{name}.{lang}.{fmt}"'})

    @app.get("/api/stress/{job_id}/charts/{file}", tags=["stress"], response_class=Response,
             responses={200: {"content": {"image/svg+xml": {}, "image/png": {}}}, 404: {}, 422: {}})
    def stress_chart_file(job_id: str, file: Annotated[str, FPath(
            max_length=120, pattern=r"^[a-z0-9_-]+\.(en|zh-Hant|zh-Hans)\.(svg|png)$")]) -> Response:
        """A finished stress job's fan chart (``capital``, ``gap``) as ``NAME.LANG.svg`` or ``.png``."""
        from dealweb.report.charts import render_chart
        from dealweb.web.stress import job_fan

        job = jobs.get(job_id)
        if job is None:
            raise HTTPException(404, f"no job {job_id!r}")
        if job.state != "done" or not isinstance(job.result, dict):
            raise HTTPException(409, f"job {job_id!r} is {job.state}: its charts are drawn when it is done")
        name, lang, fmt = file.rsplit(".", 2)
        chart = job_fan(job.result, name)
        if chart is None:
            raise HTTPException(404, f"no chart {name!r} in job {job_id!r}")
        data, _ = render_chart(chart, lang, fmt)
        return Response(data, media_type="image/svg+xml" if fmt == "svg" else "image/png", headers={
            "Content-Disposition": f'attachment; filename="chart-stress-{job.result.get("scenario", "")}-{name}.'
                                   f'{lang}.{fmt}"'})

    @app.get("/api/proposals/{pid}/article", tags=["review"])
    def api_proposal_article(pid: str) -> dict[str, Any]:
        """The article a proposal was read from, with the proposal's span: ``text``, ``start``, ``end``, ``spans``.

        ``text`` is null when the proposal came without its article (posted as JSON); offsets are Python
        ``str`` offsets into ``text`` (``text[start:end]`` is the quote).
        """
        p = state.proposals.get(pid)
        if p is None:
            raise HTTPException(404, f"no proposal {pid!r}")
        c = p.claim
        text = p.article
        start, end = c.get("start"), c.get("end")
        ok = (text is not None and isinstance(start, int) and isinstance(end, int) and 0 <= start <= end <= len(text))
        spans = {k: v for k, v in (c.get("spans") or {}).items()
                 if ok and isinstance(v, list | tuple) and len(v) == 2 and all(isinstance(x, int) for x in v)
                 and 0 <= v[0] <= v[1] <= len(text)}
        return {"id": pid, "document": (p.document or {}).get("id") if isinstance(p.document, dict) else None,
                "text": text, "start": start if ok else None, "end": end if ok else None, "spans": spans}

    # ---- analyses: waterfall, bridge, haircut, scenarios side by side ------------------------------------
    analyses_cache: dict[tuple[Any, ...], dict[str, Any]] = {}

    def analyses_of(on: date | None, scenarios: bool, runs: int, seed: int | None) -> dict[str, Any]:
        """The analyses view (cached per ledger state and arguments): the same rows as the report's."""
        from dealweb.report.analyses_view import analyses_view

        key = (id(state.ledger), on, scenarios, runs, seed)
        if key in analyses_cache:
            return analyses_cache[key]
        from dealweb.sim.sidebyside import fitting_scenarios

        summaries: dict[str, dict[str, Any]] = {}
        fit = fitting_scenarios(state.ledger.name)
        note = "not_run_yet" if len(fit) >= 2 else ""
        if scenarios and len(fit) >= 2:
            from dealweb.sim import load_scenario, stress

            note = ""
            for k, (name, path) in enumerate(fit.items()):
                res = stress(load_scenario(path), state.ledger, runs=runs, seed=seed, sensitivity=k == 0)
                summaries[name] = res.summary(top=10)
        view = analyses_view(state.ledger, on, summaries, note)
        if len(analyses_cache) > 16:
            analyses_cache.clear()
        analyses_cache[key] = view
        return view

    @app.get("/api/analyses")
    def api_analyses(on: date | None = None, scenarios: bool = False,
                     runs: Annotated[int, Query(ge=1, le=5000)] = 200,
                     seed: Annotated[int | None, Query(ge=0, le=2**63 - 1)] = None) -> dict[str, Any]:
        """The analyses: obligations waterfall, funding bridge, counterparty haircut and scenarios side by side.

        The haircut is a cascade, reported per round; ``scenarios=true`` runs the bundled scenarios written for
        this ledger (with the tornado of the firm most at risk); every test's "not assessed: needs X" comes
        with how to add X. US dollars; stable keys.
        """
        return analyses_of(on, scenarios, runs, seed)

    @app.get("/analyses", response_class=HTMLResponse, include_in_schema=False)
    def analyses_page(on: date | None = None, scenarios: bool = False,
                      runs: Annotated[int, Query(ge=1, le=5000)] = 200,
                      seed: Annotated[int | None, Query(ge=0, le=2**63 - 1)] = None) -> HTMLResponse:
        from dealweb.report.analyses_view import render_analyses
        from dealweb.sim.scenario import DEFAULT_SEED

        lang = _LANG.get()
        view = analyses_of(on, scenarios, runs, seed)
        names = {e.id: messages(lang).name(e) for e in state.ledger.entities.values()}
        return page("analyses.html", body=render_analyses(view, lang, names, face="web"), runs=runs,
                    seed=DEFAULT_SEED if seed is None else seed)

    return app
