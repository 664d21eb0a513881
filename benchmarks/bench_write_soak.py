"""Write soak (issue 17): an editor saving the ledger's files while reviews and web accepts write into it.

Run:  python benchmarks/bench_write_soak.py --writers 4 --seconds 120     (the soak in BENCHMARKS.md)
      python benchmarks/bench_write_soak.py --writers 4 --seconds 120 --typing 0.5,2.0   (a human pace)
      python benchmarks/bench_write_soak.py --writers 3 --seconds 10      (what the test suite runs)
      python benchmarks/bench_write_soak.py --writers 4 --seconds 60 --in-place   (an editor writing in place)

Processes, all on one small ledger in a temporary folder:

* one **editor** (a person in a text editor): picks one of the ledger's two files, reads it, "types" for
  20-120 ms (``--typing``), appends a comment line ``# editor save N``, and saves by writing a temporary
  file and renaming it over the original (how most editors save); like an editor it first checks that
  the file on disk is still the one it read, and reloads instead of saving when it is not. It never
  takes dealweb's lock.
* **writers** (half ``dealweb review``, half the web app): each loops: load the ledger, take the hashes of
  its files, accept one new proposal (a link-only document and a deal, one transaction) through the same
  function the CLI's ``review`` or the web app's accept calls; a refusal because a file changed (409 /
  StaleFileError) reloads and tries again.

At the end: a save is **lost** when its comment line is not in the final file (every later save of that
file re-read it, so each one must be there); an accept is lost when its document or deal is missing; a
**half-written** record is any load during the run or at the end that reports an error. Figures go to
BENCHMARKS.md ("write soak (issue 17)").
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

MAIN = """\
# the soak's ledger: the editor appends comment lines to both files
ledger:
  name: soak
entities:
  - id: a
    names: {en: Alpha}
  - id: b
    names: {en: Beta}
documents:
  - id: d0
    title: Zero
    outlet: Wire
    date: 2025-01-01
    url: https://example.com/d0
"""
REVIEWED = """\
# records accepted by reviews (CLI and web)
documents: []
deals: []
"""
QUOTE = "Alpha will pay Beta for services."
#: The editor's pause past ``seconds`` while writers still lack their share of accepts: a person's pace (s).
#: On a loaded machine an accept's read-validate-write takes longer than the 20-120 ms pause, and at that pace
#: nearly every accept met a save (290 refusals for 3 accepts in 258 s beside 4 busy loops on 2 cores).
HUMAN_TYPING = (0.5, 2.0)


def make_ledger(root: Path) -> None:
    """The soak's ledger: two files, both written by the accepts and saved by the editor."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "main.yaml").write_text(MAIN, encoding="utf-8")
    (root / "reviewed.yaml").write_text(REVIEWED, encoding="utf-8")


def _proposal(doc: str) -> dict[str, Any]:
    return {"id": doc, "document": doc, "kind": "deal", "quote": QUOTE, "start": 0, "end": len(QUOTE),
            "from": {"id": "a", "name": "Alpha"}, "to": {"id": "b", "name": "Beta"}, "type": "services",
            "status": "new", "language": "en"}


# ------------------------------------------------------------------------------------------------ roles
def _until(seconds: float, max_seconds: float | None, enough: Any) -> Any:
    """A writer's "go on?": for ``seconds``, then while ``enough()`` is false, never past ``max_seconds``."""
    start = time.monotonic()
    end, hard_end = start + seconds, start + max(seconds, max_seconds or seconds)

    def more() -> bool:
        now = time.monotonic()
        return now < end or (now < hard_end and not enough())

    return more


def role_editor(root: Path, seconds: float, seed: int, typing: tuple[float, float] = (0.02, 0.12),
                in_place: bool = False, stop: Path | None = None, min_saves: int = 0,
                max_seconds: float | None = None) -> dict[str, Any]:
    """Save for ``seconds``; with ``stop``, go on until that file exists and ``min_saves`` saves are made
    (the writers still at work keep meeting saves, at :data:`HUMAN_TYPING`'s pace), never past ``max_seconds``."""
    rng = random.Random(seed)
    files = [root / "main.yaml", root / "reviewed.yaml"]
    saves: list[tuple[str, int]] = []
    skipped = missing = 0
    start = time.monotonic()
    end, hard_end = start + seconds, start + max(seconds, max_seconds or seconds)

    def more() -> bool:
        now = time.monotonic()
        if now < end:
            return True
        if stop is None or now >= hard_end:
            return False
        return not stop.exists() or len(saves) < min_saves

    k = 0
    while more():
        f = rng.choice(files)
        try:
            before = f.read_bytes()
        except FileNotFoundError:  # a reader must never see a ledger file missing
            missing += 1
            continue
        k += 1
        new = before + f"# editor save {k}\n".encode()
        time.sleep(rng.uniform(*(typing if time.monotonic() < end else HUMAN_TYPING)))  # typing
        if in_place:  # an editor that writes into the file itself (no rename)
            if f.read_bytes() != before:
                skipped += 1
                continue
            with open(f, "r+b") as fh:
                fh.write(new)
            saves.append((f.name, k))
            continue
        tmp = f.with_name(f".{f.name}.editor-{k}")
        tmp.write_bytes(new)
        if f.read_bytes() != before:  # "the file changed on disk: reload?" -> reload, do not save
            tmp.unlink()
            skipped += 1
            continue
        os.replace(tmp, f)
        saves.append((f.name, k))
    return {"saves": saves, "skipped": skipped, "missing": missing}


def role_review(root: Path, seconds: float, wid: int, min_done: int = 0,
                max_seconds: float | None = None) -> dict[str, Any]:
    from dealweb.extract.review import Decisions, DocumentMeta, accept
    from dealweb.ledger import load_ledger
    from dealweb.ledger.load import ledger_files
    from dealweb.ledger.write import StaleFileError, file_sha256

    done: list[str] = []
    why: list[str] = []
    stale = bad = 0
    more = _until(seconds, max_seconds, lambda: len(done) >= min_done)
    n = 0
    while more():
        res = load_ledger(root, cache=False)
        if res.errors:
            bad += 1
            why.extend(str(e) for e in res.errors[:2])
            time.sleep(0.01)
            continue
        hashes: dict[str, str | None] = {str(p.resolve()): file_sha256(p) for p in ledger_files(root)}
        doc = f"r{wid}-{n}"
        meta = DocumentMeta(title=f"Review {doc}", outlet="Wire", date="2025-10-01", url=f"https://example.com/{doc}")
        try:
            accept(root, res.ledger, _proposal(doc), hashes, Decisions(meta))
        except StaleFileError:
            stale += 1
            continue
        done.append(doc)
        n += 1
    return {"done": done, "stale": stale, "bad_loads": bad, "why": why[:10]}


def role_web(root: Path, seconds: float, wid: int, min_done: int = 0,
             max_seconds: float | None = None) -> dict[str, Any]:
    from fastapi.testclient import TestClient

    from dealweb.web import create_app

    token = "soak-token-0123456789"
    hdr = {"X-Dealweb-Token": token}
    c = TestClient(create_app(root, token=token, allowed_hosts=["testserver"]))
    done: list[str] = []
    why: list[str] = []
    stale = bad = 0
    more = _until(seconds, max_seconds, lambda: len(done) >= min_done)
    n = 0
    while more():
        doc = f"w{wid}-{n}"
        meta = {"id": doc, "title": f"Web {doc}", "outlet": "Wire", "date": "2025-10-01",
                "url": f"https://example.com/{doc}"}
        got = c.post("/api/proposals", json={"proposals": [_proposal(doc)], "document": meta}, headers=hdr)
        pid = got.json()[0]["id"]
        while more():
            r = c.post(f"/api/proposals/{pid}/accept", headers=hdr)
            if r.status_code == 200:
                done.append(doc)
                n += 1
                break
            if r.status_code == 409:  # a file changed since the app read it: reload and try again
                stale += 1
                rr = c.post("/api/reload", headers=hdr)
                if rr.status_code != 200:
                    bad += 1
                    why.append(f"reload {rr.status_code}: {rr.text[:300]}")
                continue
            bad += 1
            why.append(f"accept {r.status_code}: {r.text[:300]}")
            break
    return {"done": done, "stale": stale, "bad_loads": bad, "why": why[:10]}


# ------------------------------------------------------------------------------------------- the soak
def soak(writers: int = 3, seconds: float = 10.0, root: Path | None = None, seed: int = 0,
         typing: tuple[float, float] = (0.02, 0.12), in_place: bool = False, min_saves: int = 0,
         min_accepts: int = 0, max_seconds: float | None = None) -> dict[str, Any]:
    """Run the editor and ``writers`` writers for ``seconds``; return the figures (see the module docstring).

    ``typing``: the editor's pause between reading a file and saving it, in seconds (uniform in the range).
    ``in_place``: the editor writes into the file (the one kind of save a commit cannot protect).
    ``min_saves``, ``min_accepts``: past ``seconds``, the run goes on until the editor has saved that often
    and every writer has accepted its share of ``min_accepts`` (a loaded machine does less in ``seconds``),
    the editor saving until the last writer stops; never past ``max_seconds`` (default ``seconds``).
    """
    own = root is None
    tmp = tempfile.TemporaryDirectory(prefix="dealweb-soak-") if own else None
    base = Path(tmp.name) if tmp is not None else Path(root)  # type: ignore[arg-type]
    led = base / "ledger"
    make_ledger(led)
    out = base / "out"
    out.mkdir(exist_ok=True)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in sys.path if p)}
    procs = []
    roles = [("editor", 0)] + [("review" if i % 2 == 0 else "web", i) for i in range(writers)]
    longest = max(seconds, max_seconds or seconds)
    stop = out / "writers-done"
    each = -(-min_accepts // max(writers, 1))  # every writer's share, rounded up
    for role, i in roles:
        procs.append(subprocess.Popen([sys.executable, __file__, "--role", role, "--root", str(led), "--seconds",
                                       str(seconds), "--id", str(i), "--seed", str(seed),
                                       "--typing", f"{typing[0]},{typing[1]}",
                                       *(["--in-place"] if in_place else []),
                                       "--stop", str(stop), "--min-saves", str(min_saves), "--min-done", str(each),
                                       "--max-seconds", str(longest),
                                       "--out", str(out / f"{role}-{i}.json")], env=env))
    for p in procs[1:]:  # the writers, then the editor (which saves until they are done)
        p.wait(timeout=longest + 180)
    stop.touch()
    procs[0].wait(timeout=longest + 180)
    stats = {f"{role}-{i}": json.loads((out / f"{role}-{i}.json").read_text(encoding="utf-8"))
             for role, i in roles}
    from dealweb.ledger import load_ledger

    final = load_ledger(led, cache=False)
    text = {name: (led / name).read_text(encoding="utf-8") for name in ("main.yaml", "reviewed.yaml")}
    ed = stats["editor-0"]
    lost_saves = [s for s in ed["saves"] if f"# editor save {s[1]}\n" not in text[s[0]]]
    accepted = [d for k, v in stats.items() if not k.startswith("editor") for d in v["done"]]
    lost_accepts = [d for d in accepted if d not in final.ledger.documents
                    or not any(c.document == d for deal in final.ledger.deals.values() for c in deal.claims)]
    result = {
        "writers": writers, "seconds": seconds, "editor_typing_s": list(typing), "in_place": in_place,
        "saves": len(ed["saves"]),
        "saves_lost": len(lost_saves),
        "editor_reloads": ed["skipped"], "files_seen_missing": ed["missing"], "accepts": len(accepted),
        "accepts_lost": len(lost_accepts), "refused_stale": sum(v.get("stale", 0) for v in stats.values()),
        "bad_loads": sum(v.get("bad_loads", 0) for v in stats.values()),
        "bad_loads_why": [w for v in stats.values() for w in v.get("why", [])][:10],
        "final_errors": [str(p) for p in final.errors][:5], "lost": {"saves": lost_saves[:10],
                                                                    "accepts": lost_accepts[:10]},
    }
    if tmp is not None:
        tmp.cleanup()
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--writers", type=int, default=4)
    ap.add_argument("--seconds", type=float, default=120.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--typing", default="0.02,0.12", help="the editor's pause before each save, MIN,MAX seconds")
    ap.add_argument("--in-place", action="store_true", help="the editor writes into the file instead of renaming")
    ap.add_argument("--role", choices=["editor", "review", "web"])
    ap.add_argument("--root")
    ap.add_argument("--id", type=int, default=0)
    ap.add_argument("--out")
    ap.add_argument("--stop", help="(a role) the editor saves until this file exists")
    ap.add_argument("--min-saves", type=int, default=0)
    ap.add_argument("--min-done", type=int, default=0)
    ap.add_argument("--max-seconds", type=float)
    a = ap.parse_args()
    lo, hi = (float(x) for x in a.typing.split(","))
    typing = (lo, hi)
    if a.role:
        stop = Path(a.stop) if a.stop else None
        fn = {"editor": lambda: role_editor(Path(a.root), a.seconds, a.seed, typing, a.in_place, stop, a.min_saves,
                                            a.max_seconds),
              "review": lambda: role_review(Path(a.root), a.seconds, a.id, a.min_done, a.max_seconds),
              "web": lambda: role_web(Path(a.root), a.seconds, a.id, a.min_done, a.max_seconds)}[a.role]
        Path(a.out).write_text(json.dumps(fn()), encoding="utf-8")
        return
    t = time.monotonic()
    res = soak(a.writers, a.seconds, seed=a.seed, typing=typing, in_place=a.in_place)
    res["wall_seconds"] = round(time.monotonic() - t, 1)
    print(json.dumps(res, indent=2))


if __name__ == "__main__":
    main()
