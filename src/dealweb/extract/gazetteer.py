"""The news gazetteer: companies, funds, projects, people and governments with the names a reader meets.

The entries are data, not code: ``src/dealweb/data/names/builtin.json`` (the built-in rows) and
``src/dealweb/data/names/firms.json`` (more names and firms), read once at import. Each entry gives the
names in English, Traditional Chinese (Taiwan and Hong Kong usage) and Simplified Chinese (mainland usage),
plus aliases (tickers, products that stand for their maker in the news, common misspellings). Matching folds
Traditional to Simplified and upper to lower case (see :mod:`dealweb.extract.normalise`), so a name listed
once in either script matches both.

``sells`` names the deal types in which the entity is usually the *seller* (the payee): a chip maker in
``chip_purchase``, a cloud in ``compute_contract``. :mod:`dealweb.extract.relations` uses it only to orient a
symmetric phrase ("A 與 B 簽署協議", "A and B signed"), never to override an explicit direction. ``buys`` names
the deal types in which an entity that also sells them is usually the *buyer* against a firm that only sells them
(a cloud that rents a smaller cloud's capacity): it decides only when both firms sell the deal's type.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

__all__ = ["GAZETTEER", "GazEntry", "gazetteer_by_id", "load_names"]


@dataclass(frozen=True, slots=True)
class GazEntry:
    """One gazetteer entity: ``id``, ``kind`` and its names (``en``, ``zh-Hant``, ``zh-Hans``, aliases)."""

    id: str
    kind: str
    en: str
    zh_hant: str = ""
    zh_hans: str = ""
    aliases: tuple[str, ...] = ()
    sells: frozenset[str] = frozenset()
    country: str = ""
    buys: frozenset[str] = frozenset()

    def names(self) -> tuple[str, ...]:
        """Every name and alias, without empties or repeats."""
        return tuple(dict.fromkeys(n for n in (self.en, self.zh_hant, self.zh_hans, *self.aliases) if n))


#: The built-in entries shipped with the package (data, not code: ``src/dealweb/data/names/builtin.json``).
BUILTIN_FILE = Path(__file__).resolve().parents[1] / "data" / "names" / "builtin.json"
#: The names file shipped with the package (data, not code: ``src/dealweb/data/names/firms.json``).
NAMES_FILE = Path(__file__).resolve().parents[1] / "data" / "names" / "firms.json"


def load_names(path: str | Path = NAMES_FILE) -> tuple[GazEntry, ...]:
    """Gazetteer entries from a names file (JSON: ``{"entities": [{"id", "kind", "en", ...}]}``).

    A missing file gives no entries; a malformed one raises :class:`dealweb.errors.InputError` naming the
    file and the entry.
    """
    from dealweb.errors import InputError

    p = Path(path)
    if not p.is_file():
        return ()
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
        return tuple(GazEntry(str(d["id"]), str(d.get("kind", "company")), str(d["en"]), str(d.get("zh_hant", "")),
                              str(d.get("zh_hans", "")), tuple(str(a) for a in d.get("aliases", ())),
                              frozenset(str(x) for x in d.get("sells", ())), str(d.get("country", "")),
                              frozenset(str(x) for x in d.get("buys", ())))
                     for d in data["entities"])
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError(f"{p}: not a names file ({exc})",
                         'write {"entities": [{"id": "acme", "kind": "company", "en": "Acme"}]}') from None


def _merge(built_in: tuple[GazEntry, ...], extra: tuple[GazEntry, ...]) -> tuple[GazEntry, ...]:
    """The built-in entries with the names file's: a known id gains the file's aliases, a new id is added."""
    more = {g.id: g for g in extra}
    out = []
    for g in built_in:
        x = more.pop(g.id, None)
        if x is not None:
            g = GazEntry(g.id, g.kind, g.en, g.zh_hant, g.zh_hans,
                         tuple(dict.fromkeys((*g.aliases, *(n for n in x.names() if n != x.en or n not in g.names())))),
                         g.sells | x.sells, g.country, g.buys | x.buys)
        out.append(g)
    return (*out, *more.values())


@functools.cache
def _gazetteer() -> tuple[GazEntry, ...]:
    """The built-in entries merged with the names file's, read once (a missing built-in file is a broken install)."""
    if not BUILTIN_FILE.is_file():
        from dealweb.errors import InputError

        raise InputError(f"{BUILTIN_FILE}: the built-in gazetteer is missing", "reinstall dealweb")
    return _merge(load_names(BUILTIN_FILE), load_names())


GAZETTEER: tuple[GazEntry, ...] = _gazetteer()


def gazetteer_by_id() -> dict[str, GazEntry]:
    """The gazetteer keyed by entity id."""
    return {g.id: g for g in GAZETTEER}
