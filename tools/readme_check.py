#!/usr/bin/env python3
"""Run the README's two commands, verbatim, in a fresh virtualenv in a fresh copy of the clone.

What a newcomer does on a fresh machine, checked in CI (``.ci/run`` calls this script):

1. the quickstart line (``pip install . && dealweb report -o report.html``): it must exit 0 and write a
   non-empty ``report.html``; then ``dealweb doctor`` is run and its findings printed;
2. the test line (``pip install -e ".[test]" && python -m pytest -q``): it must exit 0.

The commands are read from the README, from the indented line after each ``<!-- readme-check: NAME -->``
marker, so the README cannot drift from what is checked. The copy holds the files git tracks (no build
leftovers, no ``.venv``); the virtualenv is made new each run (an old one is removed first) and nothing
from the calling environment leaks in (``PYTHONPATH``, ``VIRTUAL_ENV`` are dropped). pip's own cache is
reused, which keeps a run within a few minutes. The seed articles the tests read (``../shared/seeds``
beside the clone) are passed on through ``DEALWEB_SEEDS``.

Usage::

    python tools/readme_check.py                      # both commands (about 3-6 minutes on 2 cores)
    python tools/readme_check.py --quickstart-only    # the first command and doctor (about 1 minute)
    python tools/readme_check.py --keep DIR           # work in DIR (kept afterwards) instead of a temp dir

Exit status: 0 when every command did what the README says, 1 otherwise.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MARKER = re.compile(r"<!--\s*readme-check:\s*([\w-]+)")


def readme_commands(readme: Path = REPO / "README.md") -> dict[str, str]:
    """The command after each ``<!-- readme-check: NAME -->`` marker (its first indented line)."""
    lines = readme.read_text(encoding="utf-8").splitlines()
    out: dict[str, str] = {}
    for i, line in enumerate(lines):
        m = MARKER.search(line)
        if not m:
            continue
        cmd = next((x.strip() for x in lines[i + 1:] if x.strip()), "")
        nxt = next((x for x in lines[i + 1:] if x.strip()), "")
        if not nxt.startswith("    "):
            raise SystemExit(f"README.md:{i + 1}: marker {m.group(1)!r} is not followed by an indented command")
        out[m.group(1)] = cmd
    return out


def tracked_copy(dest: Path) -> None:
    """Copy the files git tracks or would track (not ignored ones) into ``dest``: a clean clone of the work tree."""
    try:
        listed = subprocess.run(["git", "-C", str(REPO), "ls-files", "-z", "--cached", "--others",
                                 "--exclude-standard"], capture_output=True, check=True).stdout
        names = listed.decode("utf-8").split("\0")
    except (OSError, subprocess.CalledProcessError):  # not a git checkout: copy everything but the junk
        names = [str(p.relative_to(REPO)) for p in REPO.rglob("*") if p.is_file()
                 and not {".git", ".venv", "build", "__pycache__"} & set(p.relative_to(REPO).parts)]
    for name in filter(None, names):
        src = REPO / name
        if src.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)


def run(cmd: str, cwd: Path, env: dict[str, str]) -> tuple[int, float]:
    """Run ``cmd`` with bash in ``cwd``; its output streams through. Returns (exit status, seconds)."""
    print(f"\n$ {cmd}", flush=True)
    t0 = time.monotonic()
    rc = subprocess.run(["bash", "-c", cmd], cwd=cwd, env=env).returncode
    return rc, time.monotonic() - t0


def main(argv: list[str] | None = None) -> int:
    """Make the copy and the virtualenv, run the commands, print timings; 0 when all passed."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quickstart-only", action="store_true", help="run the first command and doctor only")
    ap.add_argument("--keep", type=Path, metavar="DIR", help="work in DIR and keep it (default: a temp dir)")
    args = ap.parse_args(argv)
    cmds = readme_commands()
    missing = {"quickstart", "tests"} - set(cmds)
    if missing:
        print(f"README.md has no readme-check marker for {', '.join(sorted(missing))}", file=sys.stderr)
        return 1
    work = args.keep.resolve() if args.keep else Path(tempfile.mkdtemp(prefix="dealweb-readme-"))
    clone = work / "dealweb"
    if clone.exists():
        shutil.rmtree(clone)
    clone.mkdir(parents=True)
    tracked_copy(clone)
    venv = clone / ".venv"
    timings: list[tuple[str, float, int]] = []
    t0 = time.monotonic()
    rc = subprocess.run([sys.executable, "-m", "venv", str(venv)]).returncode
    timings.append(("python3 -m venv .venv", time.monotonic() - t0, rc))
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME")}
    env.update(VIRTUAL_ENV=str(venv), PATH=f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}")
    seeds = REPO.parent / "shared" / "seeds"
    if "DEALWEB_SEEDS" not in env and seeds.is_dir():
        env["DEALWEB_SEEDS"] = str(seeds)
    ok = rc == 0
    if ok:
        rc, secs = run(cmds["quickstart"], clone, env)
        report = clone / "report.html"
        wrote = report.is_file() and report.stat().st_size > 10_000
        timings.append((cmds["quickstart"], secs, rc))
        if not wrote:
            print("the quickstart wrote no report.html (or an empty one)", file=sys.stderr)
        ok = rc == 0 and wrote
        rc_doc, secs = run("dealweb doctor", clone, env)
        timings.append(("dealweb doctor", secs, rc_doc))  # informational: the machine, not dealweb
    if ok and not args.quickstart_only:
        rc, secs = run(cmds["tests"], clone, env)
        timings.append((cmds["tests"], secs, rc))
        if rc == 5:
            print("pytest collected no tests: failing", file=sys.stderr)
        ok = rc == 0
    print("\nREADME commands in a fresh virtualenv:")
    for cmd, secs, code in timings:
        print(f"  {secs:7.1f} s  exit {code}  {cmd}")
    print(f"work folder: {work}" + (" (kept)" if args.keep else " (removed)"))
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
