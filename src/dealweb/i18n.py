"""The faces' languages: message catalogues and firm names in English, Traditional and Simplified Chinese.

Every word the report, the maps and the web app show comes from a message catalogue, one JSON file per
language under ``dealweb/report/messages/`` (``en.json``, ``zh-Hant.json``, ``zh-Hans.json``); figures go
through :mod:`dealweb.fmt` with the same ``lang``. Firm names come from the ledger's entity ``names`` by
language; when only one Chinese script is recorded the other is folded from it with OpenCC (Kuo, BYVoid et
al., *Open Chinese Convert*: ``s2t`` / ``t2s``), and a firm with no Chinese name keeps its English one.

>>> t = messages("zh-Hant")
>>> t("nav.map"), messages("en")("nav.map")
('地圖', 'Map')
"""

from __future__ import annotations

import json
import string
from functools import cache
from importlib import resources
from typing import Any

from dealweb import fmt
from dealweb.fmt import LANGS

__all__ = ["LANGS", "Messages", "catalogue", "check_lang", "entity_name", "fold_script", "messages"]


def check_lang(lang: str | None) -> str:
    """``lang`` as one of :data:`LANGS` (``None`` -> ``en``); ValueError with the choices otherwise."""
    return LANGS[fmt._lang(lang)]  # noqa: SLF001 - the one parser of language names


@cache
def catalogue(lang: str) -> dict[str, str]:
    """The message catalogue of ``lang``: key -> text (``{name}`` fields are filled by :class:`Messages`)."""
    lang = check_lang(lang)
    text = resources.files("dealweb.report").joinpath("messages", f"{lang}.json").read_text(encoding="utf-8")
    data = json.loads(text)
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        raise ValueError(f"messages/{lang}.json: every entry must map a key to a text")
    return data


def fields(text: str) -> set[str]:
    """The ``{name}`` fields a message text uses."""
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


@cache
def _converter(config: str) -> Any:
    import opencc

    return opencc.OpenCC(config)


def fold_script(text: str, lang: str) -> str:
    """``text`` in Chinese written in ``lang``'s script (``zh-Hant`` or ``zh-Hans``), by OpenCC."""
    lang = check_lang(lang)
    if lang == "en" or not text:
        return text
    return _converter("s2t" if lang == "zh-Hant" else "t2s").convert(text)


def entity_name(entity: Any, lang: str | None = "en") -> str:
    """The entity's name in ``lang``: its recorded name in that script, else the other script folded, else English.

    ``entity`` is a :class:`dealweb.model.Entity` (anything with ``name`` and a ``names`` mapping).
    """
    lang = check_lang(lang)
    names = dict(getattr(entity, "names", {}) or {})
    if lang == "en":
        return names.get("en") or entity.name
    own = names.get(lang)
    if own:
        return own
    other = names.get("zh-Hans" if lang == "zh-Hant" else "zh-Hant") or names.get("zh")
    if other:
        return fold_script(other, lang)
    return entity.name


class Messages:
    """The words of one language: ``t("key", n=3)`` fills the message's ``{n}``; figures via :mod:`dealweb.fmt`.

    A missing key is a KeyError naming the key and the catalogue (tests check every catalogue has every key).
    """

    def __init__(self, lang: str | None = "en") -> None:
        self.lang = check_lang(lang)
        self.texts = catalogue(self.lang)

    def __call__(self, key: str, **values: Any) -> str:
        """The text of ``key`` with its ``{fields}`` filled from ``values``."""
        try:
            text = self.texts[key]
        except KeyError:
            raise KeyError(f"message {key!r} is missing from messages/{self.lang}.json") from None
        return text.format(**values) if values else text

    def money(self, x: float | None, currency: str | None = "USD", per: str = "") -> str:
        """A money figure in this language (``$455B`` / ``4,550億美元`` / ``4,550亿美元``)."""
        return fmt.money(x, currency, per, lang=self.lang)

    def amount(self, a: Any) -> str:
        """An :class:`~dealweb.money.Amount` with its qualifier, in this language."""
        return fmt.amount(a, lang=self.lang)

    def name(self, entity: Any) -> str:
        """An entity's name in this language's script."""
        return entity_name(entity, self.lang)

    def subset(self, prefix: str) -> dict[str, str]:
        """The messages whose key starts with ``prefix`` (for the page's script)."""
        return {k: v for k, v in self.texts.items() if k.startswith(prefix)}


@cache
def messages(lang: str | None = "en") -> Messages:
    """The (cached) :class:`Messages` of ``lang``."""
    return Messages(lang)
