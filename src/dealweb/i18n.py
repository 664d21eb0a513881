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

__all__ = ["LANGS", "Fig", "Join", "Messages", "Msg", "Name", "Place", "Val", "Verbatim", "catalogue", "check_lang",
           "entity_name", "fold_script", "id_name", "join_sep", "messages", "name_of", "say", "segments", "short_place"]


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


# ---- text that can be said again in another language -----------------------------------------------------
# The analytical rooms' tables are gathered once (a stress run takes seconds) and shown in any language. A
# cell, a column or a title made by the faces is one of the ``str`` subclasses below: its ``str`` value is the
# English text (so JSON, CSV and every caller comparing strings see what they always saw) and ``say(lang)``
# writes it again in ``lang``. Plain ``str`` is data (ids, quotes, text written in a ledger) and stays as is.


def say(text: Any, lang: str | None = "en") -> str:
    """``text`` in ``lang``: a :class:`Msg`, :class:`Name`, :class:`Val` or :class:`Join` said again; else ``str``."""
    if text is None:
        return ""
    fn = getattr(text, "say", None)
    return fn(lang) if callable(fn) else str(text)


class Msg(str):
    """A catalogue message with its fields: ``Msg("stress.col.entity")``, ``Msg("x.title", n=3, name=Name(...))``.

    Field values may themselves be :class:`Msg`, :class:`Name`, :class:`Val` or :class:`Join` (said in the
    same language) or plain values (written as they are).
    """

    key: str
    args: dict[str, Any]

    def __new__(cls, key: str, **args: Any) -> Msg:
        """Build the text (its ``str`` value is the English one)."""
        obj = super().__new__(cls, _say_msg(key, args, "en"))
        obj.key, obj.args = key, args
        return obj

    def say(self, lang: str | None = "en") -> str:
        """This message in ``lang``."""
        return _say_msg(self.key, self.args, lang)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_msg, (self.key, self.args))


def _msg(key: str, args: dict[str, Any]) -> Msg:
    return Msg(key, **args)


def _say_msg(key: str, args: dict[str, Any], lang: str | None) -> str:
    return messages(lang)(key, **{k: say(v, lang) for k, v in args.items()})


class Name(str):
    """A firm's name, in English as a ``str`` and in any script by ``say(lang)`` (:func:`entity_name`)."""

    names: dict[str, str]

    def __new__(cls, names: dict[str, str]) -> Name:
        """Build the text (its ``str`` value is the English one)."""
        obj = super().__new__(cls, names.get("en", ""))
        obj.names = names
        return obj

    def say(self, lang: str | None = "en") -> str:
        """The name in ``lang``'s script."""
        return self.names.get(check_lang(lang), str(self))

    def __reduce__(self) -> tuple[Any, ...]:
        return (Name, (self.names,))


def id_name(entity: Any) -> Name:
    """An entity as the rooms' own text names it: its id in English, its name in Chinese.

    In English the id (``openai``, what the CLI always printed); in each Chinese script the firm's name, so a
    Chinese page never shows an id where a firm is meant.
    """
    return Name({"en": entity.id, **{lang: entity_name(entity, lang) for lang in LANGS if lang != "en"}})


def name_of(entity: Any) -> Name:
    """The :class:`Name` of an entity (its name in each of :data:`LANGS`)."""
    return Name({lang: entity_name(entity, lang) for lang in LANGS})


class Val(str):
    """A figure in its unit (:func:`dealweb.fmt.value` units: ``usd``, ``usd_per_year``, ``years``...)."""

    value: Any
    unit: str | None

    def __new__(cls, value: Any, unit: str | None = "usd") -> Val:
        """Build the text (its ``str`` value is the English one)."""
        obj = super().__new__(cls, fmt.value(value, unit))
        obj.value, obj.unit = value, unit
        return obj

    def say(self, lang: str | None = "en") -> str:
        """The figure in ``lang`` (億/兆 in Chinese)."""
        return fmt.value(self.value, self.unit, lang=lang)

    def __reduce__(self) -> tuple[Any, ...]:
        return (Val, (self.value, self.unit))


class Join(str):
    """Parts said in one language and joined: ``Join([Name(a), Name(b)], ", ")``."""

    parts: tuple[Any, ...]
    sep: str

    def __new__(cls, parts: Any, sep: str = ", ") -> Join:
        """Build the text (its ``str`` value is the English one)."""
        parts = tuple(parts)
        obj = super().__new__(cls, sep.join(say(p, "en") for p in parts))
        obj.parts, obj.sep = parts, sep
        return obj

    def say(self, lang: str | None = "en") -> str:
        """Every part in ``lang``, joined (Chinese lists use ``、`` for ``", "`` and ``；`` for ``"; "``)."""
        return join_sep(self.sep, lang).join(say(p, lang) for p in self.parts)

    def __reduce__(self) -> tuple[Any, ...]:
        return (Join, (self.parts, self.sep))


def join_sep(sep: str, lang: str | None) -> str:
    """The separator ``sep`` of a list in ``lang``: ``", "`` is ``、`` and ``"; "`` is ``；`` in Chinese."""
    if check_lang(lang) == "en":
        return sep
    return {", ": "、", "; ": "；"}.get(sep, sep)


#: :mod:`dealweb.fmt` functions a :class:`Fig` may say itself again with (each takes ``lang=``).
_FIG_FUNCTIONS = ("money", "amount", "interval", "value", "count")


class Fig(str):
    """A figure in a room's own words, said again in another language by a :mod:`dealweb.fmt` formatter.

    ``Fig("$8.50B", "money", 8.5e9)``: the room's English text, and 億/兆 in Chinese.
    The English text is the room's, kept byte for byte (the CLI and ``--json`` print it); ``fn`` is one of
    ``money``, ``amount``, ``interval``, ``value``, ``count`` and ``args`` its arguments before ``lang``.
    """

    fn: str
    args: tuple[Any, ...]

    def __new__(cls, text: str, fn: str, *args: Any) -> Fig:
        """Build the figure (its ``str`` value is ``text``)."""
        if fn not in _FIG_FUNCTIONS:
            raise ValueError(f"Fig: {fn!r} is not one of {_FIG_FUNCTIONS}")
        obj = super().__new__(cls, text)
        obj.fn, obj.args = fn, args
        return obj

    def say(self, lang: str | None = "en") -> str:
        """The figure in ``lang``: the room's text in English, the formatter's in Chinese."""
        if check_lang(lang) == "en":
            return str(self)
        return getattr(fmt, self.fn)(*self.args, lang=lang)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_fig, (str(self), self.fn, self.args))


def _fig(text: str, fn: str, args: tuple[Any, ...]) -> Fig:
    return Fig(text, fn, *args)


class Verbatim(str):
    """Text shown as it was written (a source's quote, a ledger's note, a room's computed explanation).

    Never translated: the faces mark it ``translate="no"`` (and ``lang`` when known, ``en`` for the
    rooms' own prose) so a reader and a browser's translator can tell it apart from the page's words.
    """

    lang: str | None
    verbatim = True

    def __new__(cls, text: str, lang: str | None = None) -> Verbatim:
        """Build the text (its ``str`` value is the English one)."""
        obj = super().__new__(cls, text)
        obj.lang = lang
        return obj

    def __reduce__(self) -> tuple[Any, ...]:
        return (Verbatim, (str(self), self.lang))


class Place(Verbatim):
    """Where an input was written, as ``file:line``.

    The whole path in English text (the CLI's ``file:line``, what ``--json`` keeps); only the file's name and
    line on a page (``base.yaml:31``, :func:`dealweb.report.html.say_html` in every language), which may be
    read on another machine and must never show this one's folders.
    """

    def say(self, lang: str | None = "en") -> str:
        """The whole path in English (the CLI's words), the file's name and line in another language."""
        return str(self) if check_lang(lang) == "en" else short_place(str(self))

    def __reduce__(self) -> tuple[Any, ...]:
        return (Place, (str(self), self.lang))


def short_place(text: str) -> str:
    """``/a/b/scenarios/base.yaml:31`` -> ``base.yaml:31`` (text with no folder is returned as it is)."""
    return text.replace("\\", "/").rsplit("/", 1)[-1]


def segments(text: Any, lang: str | None = "en") -> list[list[Any]]:
    """``text`` in ``lang`` as ``[[part, written_elsewhere], ...]`` for a page's script to write.

    Parts said in the page's language have ``False``; :class:`Verbatim` parts (a quote, a ledger's note, a
    file name) have ``True`` and are written as they are, marked ``translate="no"``. Adjacent parts of one
    kind are merged. A script builds the same text :func:`dealweb.report.html.say_html` builds in HTML.
    """
    out: list[list[Any]] = []

    def add(part: str, verbatim: bool) -> None:
        if not part:
            return
        if out and out[-1][1] == verbatim:
            out[-1][0] += part
        else:
            out.append([part, verbatim])

    def walk(x: Any) -> None:
        if x is None:
            return
        if isinstance(x, Verbatim):
            add(short_place(str(x)) if isinstance(x, Place) else str(x), True)
        elif isinstance(x, Join):
            sep = join_sep(x.sep, lang)
            for k, p in enumerate(x.parts):
                if k:
                    add(sep, False)
                walk(p)
        elif isinstance(x, Msg):
            for literal, name, _, _ in string.Formatter().parse(messages(lang).texts[x.key]):
                add(literal, False)
                if name is not None:
                    walk(x.args.get(name, ""))
        else:
            add(say(x, lang), False)

    walk(text)
    return out
