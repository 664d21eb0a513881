"""No committed file names a page from the hosts reserved for the project's independent evaluation.

The hosts are listed in issues 12 and 13; pages from them must never be collected, read or cited.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from urllib.parse import urlparse

RESERVED = (
    "36kr.com", "azzet.com", "bisnow.com", "businessleadersreview.com", "centerconsulting.com",
    "cn.technode.com", "epicos.com", "factorytechnews.com", "fool.com", "foxbusiness.com", "hk.crntt.com",
    "imfastcenter.com", "m.x-techcon.com", "mgrowtech.com", "news.anyfans.com", "news.cnyes.com",
    "odaily.news", "telegraphindia.com", "udn.com", "web-origin.lbkrs.com", "wyomingstarnews.org",
)
ROOT = Path(__file__).resolve().parents[1]
URL = re.compile(r"https?://[^\s\"'<>)\]]+")


def _is_reserved(url: str) -> bool:
    host = (urlparse(url).hostname or "").lower()
    return any(host == r or host.endswith("." + r) for r in RESERVED)


def _data_files() -> list[Path]:
    try:
        out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=True).stdout
        names = out.splitlines()
    except (OSError, subprocess.CalledProcessError):
        names = [str(p.relative_to(ROOT)) for p in ROOT.rglob("*") if p.is_file() and ".git" not in p.parts]
    keep = (".yaml", ".yml", ".json", ".csv", ".md", ".jsonl", ".txt")
    return [ROOT / n for n in names if n.endswith(keep) and n != "tests/test_reserved_hosts.py"]


def test_the_checker_recognises_reserved_hosts() -> None:
    assert _is_reserved("https://www.fool.com/investing/2025/x")
    assert _is_reserved("http://udn.com/news/1")
    assert not _is_reserved("https://notfool.community/x")
    assert not _is_reserved("https://www.reuters.com/x")


def test_no_reserved_host_in_committed_files() -> None:
    files = _data_files()
    assert files, "no committed data files found"
    bad = []
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        bad += [f"{path.relative_to(ROOT)}: {u}" for u in URL.findall(text) if _is_reserved(u)]
    assert not bad, "pages from reserved hosts: " + "; ".join(bad[:5])
