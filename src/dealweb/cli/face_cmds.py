"""``dealweb report`` and ``dealweb serve``: the faces on the command line."""

from __future__ import annotations

import errno
import secrets
import socket
from pathlib import Path

import click

from dealweb.cli import main
from dealweb.cli.common import (
    date_or_exit,
    emit_json,
    fail,
    ledger_arg,
    ledger_root_or_exit,
    load_or_exit,
    output_folder_or_exit,
    write_output,
)


@main.command("report")
@ledger_arg
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False), default="report.html",
              show_default=True, help="Where to write the HTML report.")
@click.option("--png", "png", type=click.Path(dir_okay=False), help="Also write the map as a PNG (slides).")
@click.option("--svg", "svg", type=click.Path(dir_okay=False), help="Also write the map as an SVG (slides).")
@click.option("--on", "on", metavar="DATE", help="Read the web as of this date (YYYY-MM-DD).")
@click.option("--size", type=click.Choice(["auto", "market_cap", "flow", "none"]), default="auto",
              show_default=True, help="What circle area shows on the map.")
@click.option("--no-stress", is_flag=True, help="Skip the stress-test fan charts (faster).")
@click.option("--seed", type=click.IntRange(0, 2**63 - 1), default=None,
              help="Seed of the stress scenarios (default: the same as dealweb stress, 20251015).")
@click.option("--runs", "stress_runs", type=click.IntRange(1, 10**6), default=None,
              help="Runs per stress scenario (default: the same as dealweb stress, 2,000).")
@click.option("--include", "include", type=click.Choice(["conditional", "rumoured"]), multiple=True,
              help="Also simulate conditional money in the stress tests, paid on its triggers (as dealweb stress "
                   "--include; default: firm money only, the conditional money left out listed per firm).")
@click.option("--documents", "documents", multiple=True, type=click.Path(file_okay=False),
              help="Extra folder where the cited documents' texts live.")
@click.option("--lang", "lang", type=click.Choice(["en", "zh-Hant", "zh-Hans"]), default="en", show_default=True,
              help="Language of the report and pictures: English, Traditional or Simplified Chinese "
                   "(firm names in that script, amounts in 億 and 兆).")
@click.option("--focus", "focus", metavar="ENTITY",
              help="Draw the neighbourhood of this firm (two deals away) instead of the whole web.")
@click.option("--charts", "charts", type=click.Path(file_okay=False), metavar="DIR",
              help="Also write every chart (who pays, exposure, loops, stress fan charts) for slides into DIR, as "
                   "chart-NAME.LANG.svg and .png in English, Traditional and Simplified Chinese.")
@click.option("--layout", "layout", type=click.Choice(["spring", "layered"]), default="spring", show_default=True,
              help="Map layout: a force-directed web, or layers by role in the money (funders, labs and "
                   "services, cloud and compute, chips and hardware).")
@click.option("--view", "map_kind", type=click.Choice(["core", "all"]), default="core", show_default=True,
              help="Map view: the core (loops and the firms with most money near them) with the rest in "
                   "groups that open on click, or every firm (up to 80).")
@click.option("--map-png", "map_png", type=click.Path(dir_okay=False), help="Same as --png.")
@click.option("--map-svg", "map_svg_path", type=click.Path(dir_okay=False), help="Same as --svg.")
@click.option("--json", "as_json", is_flag=True, help="Print what was written as JSON.")
def report_cmd(ledger_path: str | None, output: str, png: str | None, svg: str | None, on: str | None,
               size: str, no_stress: bool, seed: int | None, stress_runs: int | None, include: tuple[str, ...],
               documents: tuple[str, ...], lang: str, focus: str | None, charts: str | None, layout: str,
               map_kind: str, map_png: str | None, map_svg_path: str | None, as_json: bool) -> None:
    """Write the offline HTML report of a ledger (the bundled one by default).

    One self-contained file: the map (with a time slider), loops, who pays, exposure, metrics, stress
    tests, every figure with its source. It opens offline; nothing is fetched from the network.

    \b
    Examples:
      dealweb report -o report.html
      dealweb report -o report.html --png map.png
      dealweb report path/to/ledger -o out.html --svg map.svg --on 2025-10-01
      dealweb report --lang zh-Hant -o report-zh.html --png map-zh.png
      dealweb report --focus openai -o openai.html
      dealweb report --ledger ai-capex-2025 --charts slides/
      dealweb report --layout layered --lang zh-Hans -o layers.html --map-svg layers.svg
    """
    from rich.console import Console

    from dealweb.i18n import messages
    from dealweb.report import analysis_of, map_svg, map_view, render_report, write_map_png

    day = date_or_exit(on, "--on")
    png, svg = png or map_png, svg or map_svg_path
    for target, suffix in ((output, None), (png, ".png"), (svg, ".svg")):
        if target is None:
            continue
        if suffix and Path(target).suffix.lower() != suffix:
            fail(f"{target!r} does not end in {suffix}", f"name the picture file *{suffix}")
        output_folder_or_exit(Path(target))
    if charts is not None:
        if Path(charts).exists() and not Path(charts).is_dir():
            fail(f"--charts {charts}: a file, not a folder", "give a folder for the chart files")
        output_folder_or_exit(Path(charts))  # its parent must exist; DIR itself is made
    for folder in documents:
        if not Path(folder).is_dir():
            fail(f"--documents {folder}: no such folder", "give a folder holding the cited documents' texts")
    ledger = load_or_exit(ledger_path, documents)
    if focus is not None and focus not in ledger.entities:
        fail(f"--focus {focus}: no such entity in {ledger.name}", "give an entity id: dealweb show --help lists them")
    console = Console(stderr=True)
    with console.status("gathering loops, who pays, metrics and stress tests..."):
        an = analysis_of(ledger, on=day, stress=not no_stress, seed=seed, draws=stress_runs, include=include)
    html_text = render_report(ledger, analysis=an, on=day, size=size, lang=lang, focus=focus, layout=layout,
                              view=map_kind)
    written = {"report": _write(output, html_text)}
    loop_deals = {d for row in an.loops for d in row.deals}
    t = messages(lang)
    title = (t("map.title_on", name=ledger.name, date=day.isoformat()) if day
             else t("report.title", name=ledger.name))
    view = map_view(ledger, on=day, loop_deals=loop_deals, size=size, lang=lang, focus=focus, layout=layout,
                    view=map_kind)
    # under the title: when the map was read, what it holds, and the units (a picture travels without the report)
    dated = [d.date for d in ledger.documents.values() if d.date is not None]
    when = day or (max(dated) if dated else None)
    firms = sum(1 for n in view.nodes if n.kind != "group" and not n.group) + sum(c.n for c in view.cells)
    note = t("map.picture_note", date=when.isoformat() if when else "?", firms=firms, deals=len(ledger.deals))
    warnings: list[str] = []
    if svg:
        written["svg"] = _write(svg, map_svg(view, interactive=False, title=title, note=note))
    if png:
        try:
            warnings += write_map_png(view, png, title=title, note=note)
        except ImportError:
            fail("--png needs matplotlib", "pip install 'dealweb[web]', or write --svg instead")
        except OSError as exc:
            fail(f"cannot write {png}: {exc.strerror or exc}", "check the folder exists and is writable")
        written["png"] = str(Path(png))
    if charts is not None:
        written["charts"] = _write_charts(an, ledger, Path(charts), warnings)
    notes = {k: str(v) for k, v in an.notes.items()}
    if as_json:
        emit_json({"written": written, "sections_missing": notes, "warnings": warnings,
                   "deals": len(ledger.deals), "entities": len(ledger.entities), "loops": len(an.loops)})
        return
    for kind, path in written.items():
        if isinstance(path, list):
            console.print(f"[green]wrote[/green] {kind}: {len(path)} files in {charts}")
            continue
        console.print(f"[green]wrote[/green] {kind}: {path}")
    for section, why in sorted(notes.items()):
        console.print(f"[yellow]note[/yellow]: {section} {why}")
    for w in warnings:
        console.print(f"[yellow]warning[/yellow]: {w}")


def _write_charts(an, ledger, folder: Path, warnings: list[str]) -> list[str]:  # noqa: ANN001 - Analysis, Ledger
    """Every chart of ``an`` as ``chart-NAME.LANG.svg`` and ``.png`` in ``folder`` (each file written atomically)."""
    from dealweb.i18n import LANGS, name_of
    from dealweb.report.charts import charts_of, render_chart

    folder.mkdir(parents=True, exist_ok=True)
    names = {e.id: name_of(e) for e in ledger.entities.values()}
    out = []
    for name, chart in charts_of(an, names):
        for lang in LANGS:
            for fmt in ("svg", "png"):
                try:
                    data, warn = render_chart(chart, lang, fmt)
                except ImportError:
                    fail("--charts needs matplotlib for the PNGs", "pip install 'dealweb[web]'")
                warnings += [w for w in warn if w not in warnings]
                path = folder / f"chart-{name}.{lang}.{fmt}"
                write_output(path, data)
                out.append(str(path))
    return out


def _write(path: str, text: str) -> str:
    write_output(Path(path), text.encode("utf-8"))
    return str(Path(path))


@main.command("serve")
@ledger_arg
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to bind (keep 127.0.0.1 unless you know why not).")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True, help="Port (0: any free).")
@click.option("--read-only", is_flag=True, help="Refuse every write (review accept, proposals).")
@click.option("--documents", "documents", multiple=True, type=click.Path(file_okay=False),
              help="Extra folder where the cited documents' texts live.")
def serve_cmd(ledger_path: str | None, host: str, port: int, read_only: bool, documents: tuple[str, ...]) -> None:
    """Run the local web app: browse, filter, open the map, review claims, run stress scenarios.

    Write requests need the token printed at start-up (header X-Dealweb-Token); the page picks it up
    from the address printed below. The JSON API is described at /openapi.json.

    \b
    Examples:
      dealweb serve
      dealweb serve path/to/ledger --port 8800
      dealweb serve --read-only
    """
    try:
        import uvicorn

        from dealweb.web import create_app
    except ImportError as exc:
        fail(f"the web app needs {exc.name}", "install it with: pip install 'dealweb[web]'")
    ledger_root_or_exit(ledger_path)
    load_or_exit(ledger_path, documents, quiet=True)
    try:
        with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
            s.bind((host, port))
            port = s.getsockname()[1]
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            hint = "another program uses that port: pass --port 0 for any free port"
        elif exc.errno == errno.EACCES:
            hint = "ports below 1024 need privileges: pick a port above 1024, or --port 0"
        else:
            hint = "give an address of this machine, such as 127.0.0.1 (the default)"
        fail(f"cannot listen on {host}:{port}: {exc.strerror or exc}", hint)
    token = secrets.token_urlsafe(24)
    app = create_app(ledger_path, token=token, read_only=read_only, documents_dirs=documents)
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    click.echo(f"dealweb serving {ledger_path or 'the bundled ledger'} on http://{shown}:{port}/"
               + (" (read-only)" if read_only else ""))
    if not read_only:
        click.echo(f"write token: {token}")
        click.echo(f"open: http://{shown}:{port}/#token={token}")
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"warning: binding {host} exposes the app to your network", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")
