"""A built-in gazetteer of the AI build-out's companies, funds, projects and governments.

Each entry gives the names a reader meets in English, Traditional Chinese (Taiwan and Hong Kong usage:
輝達, 超微) and Simplified Chinese (mainland usage: 英伟达), plus aliases (tickers, products that stand
for their maker in the news, common misspellings such as ``Open AI``). Matching folds Traditional to
Simplified and upper to lower case (see :mod:`dealweb.extract.normalise`), so a name listed once in
either script matches both.

``sells`` names the deal types in which the entity is usually the *seller* (the payee): a chip maker in
``chip_purchase``, a cloud in ``compute_contract``. :mod:`dealweb.extract.relations` uses it only to orient a
symmetric phrase ("A 與 B 簽署協議", "A and B signed"), never to override an explicit direction.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

__all__ = ["GAZETTEER", "GazEntry", "gazetteer_by_id", "load_names"]

_CHIPS = frozenset({"chip_purchase", "custom_chip_partnership"})
_CLOUD = frozenset({"compute_contract", "data_hosting", "lease", "services"})


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

    def names(self) -> tuple[str, ...]:
        """Every name and alias, without empties or repeats."""
        return tuple(dict.fromkeys(n for n in (self.en, self.zh_hant, self.zh_hans, *self.aliases) if n))


GAZETTEER: tuple[GazEntry, ...] = (
    GazEntry("openai", "company", "OpenAI", "OpenAI", "OpenAI", ("Open AI", "ChatGPT maker"), country="US"),
    GazEntry("oracle", "company", "Oracle", "甲骨文", "甲骨文",
             ("ORCL", "Oracle Corporation", "甲骨文公司", "OCI", "Oracle Cloud", "Oracle Cloud Infrastructure"),
             _CLOUD, "US"),
    GazEntry("nvidia", "company", "Nvidia", "輝達", "英伟达", ("NVDA", "英偉達", "辉达", "Nvidia Corp"),
             _CHIPS, "US"),
    GazEntry("amd", "company", "AMD", "超微", "超威", ("Advanced Micro Devices", "超威半导体"), _CHIPS, "US"),
    GazEntry("broadcom", "company", "Broadcom", "博通", "博通", ("AVGO",), _CHIPS, "US"),
    GazEntry("softbank", "company", "SoftBank", "軟銀", "软银", ("軟銀集團", "SoftBank Group"), country="JP"),
    GazEntry("microsoft", "company", "Microsoft", "微軟", "微软", ("MSFT", "Azure", "Microsoft Azure"),
             _CLOUD, "US"),
    GazEntry("stargate", "project", "Stargate", "星際之門", "星际之门",
             ("Stargate Project", "星門", "星门", "星際之門計畫", "Stargate UAE"), _CLOUD),
    GazEntry("coreweave", "company", "CoreWeave", "CoreWeave", "CoreWeave", ("CRWV",), _CLOUD, "US"),
    GazEntry("xai", "company", "xAI", "xAI", "xAI", ("X.AI",), country="US"),
    GazEntry("meta", "company", "Meta", "Meta", "Meta", ("Meta Platforms", "臉書", "脸书", "Facebook"),
             country="US"),
    GazEntry("google", "company", "Google", "谷歌", "谷歌",
             ("Alphabet", "GOOGL", "Google Cloud", "GCP", "Google雲端", "谷歌云"), _CLOUD | _CHIPS, "US"),
    GazEntry("amazon", "company", "Amazon", "亞馬遜", "亚马逊", ("AMZN", "AWS", "Amazon Web Services"),
             _CLOUD, "US"),
    GazEntry("tesla", "company", "Tesla", "特斯拉", "特斯拉", ("TSLA",), country="US"),
    GazEntry("goldman-sachs", "company", "Goldman Sachs", "高盛", "高盛", ("高盛集團",), country="US"),
    GazEntry("blackstone", "fund", "Blackstone", "黑石", "黑石", ("黑石集團", "Blackstone Group"), country="US"),
    GazEntry("bytedance", "company", "ByteDance", "字節跳動", "字节跳动", ("字節",), country="CN"),
    GazEntry("tiktok", "company", "TikTok", "TikTok", "TikTok", ("抖音國際版", "TikTok US", "TikTok美國"),
             country="US"),
    GazEntry("mgx", "fund", "MGX", "MGX", "MGX", (), country="AE"),
    GazEntry("us-gov", "government", "US government", "美國政府", "美国政府",
             ("U.S. government", "the US government", "川普政府", "特朗普政府", "Trump administration"), country="US"),
    GazEntry("japan-gov", "government", "Japanese government", "日本政府", "日本政府",
             ("the Japanese government", "government of Japan"), country="JP"),
    GazEntry("anthropic", "company", "Anthropic", "Anthropic", "Anthropic", (), country="US"),
    GazEntry("intel", "company", "Intel", "英特爾", "英特尔", ("INTC",), _CHIPS, "US"),
    GazEntry("tsmc", "company", "TSMC", "台積電", "台积电", ("台灣積體電路",), _CHIPS, "TW"),
    GazEntry("apple", "company", "Apple", "蘋果", "苹果", ("AAPL",), country="US"),
    GazEntry("alibaba", "company", "Alibaba", "阿里巴巴", "阿里巴巴", ("阿里雲", "阿里云"), _CLOUD, "CN"),
    GazEntry("tencent", "company", "Tencent", "騰訊", "腾讯", (), _CLOUD, "CN"),
    GazEntry("samsung", "company", "Samsung", "三星", "三星", ("三星電子",), _CHIPS, "KR"),
    GazEntry("sk-hynix", "company", "SK Hynix", "SK海力士", "SK海力士", ("海力士",), _CHIPS, "KR"),
    GazEntry("micron", "company", "Micron", "美光", "美光", (), _CHIPS, "US"),
    GazEntry("thrive-capital", "fund", "Thrive Capital", "Thrive Capital", "Thrive Capital", (), country="US"),
    GazEntry("a16z", "fund", "Andreessen Horowitz", "安德森·霍洛維茨", "安德森·霍洛维茨",
             ("a16z", "安德森霍洛維茨"), country="US"),
    GazEntry("crusoe", "company", "Crusoe", "Crusoe", "Crusoe", ("Cruso",), _CLOUD, "US"),
    GazEntry("blue-owl", "fund", "Blue Owl Capital", "Blue Owl", "Blue Owl", ("Blue Owl Capital",),
             country="US"),
    GazEntry("g42", "company", "G42", "G42", "G42", (), _CLOUD, "AE"),
    GazEntry("nebius", "company", "Nebius", "Nebius", "Nebius", (), _CLOUD, "NL"),
    GazEntry("mistral", "company", "Mistral AI", "Mistral", "Mistral", ("Mistral AI",), country="FR"),
    GazEntry("rapidus", "company", "Rapidus", "Rapidus", "Rapidus", (), _CHIPS, "JP"),
    GazEntry("kddi", "company", "KDDI", "KDDI", "KDDI", (), _CLOUD, "JP"),
    GazEntry("sakura-internet", "company", "Sakura Internet", "Sakura Internet", "Sakura Internet",
             ("櫻花網路",), _CLOUD, "JP"),
    GazEntry("twitter", "company", "Twitter", "推特", "推特", ("X Corp",), country="US"),
    GazEntry("elon-musk", "person", "Elon Musk", "馬斯克", "马斯克", ("埃隆·馬斯克", "Musk"), country="US"),
    GazEntry("perplexity", "company", "Perplexity AI", "Perplexity", "Perplexity", ("Perplexity AI",),
             country="US"),
    GazEntry("cisco", "company", "Cisco", "思科", "思科", (), country="US"),
    GazEntry("dell", "company", "Dell", "戴爾", "戴尔", ("Dell Technologies",), _CHIPS, "US"),
    GazEntry("supermicro", "company", "Super Micro Computer", "美超微", "美超微", ("Supermicro", "SMCI"), _CHIPS,
             "US"),
    GazEntry("saudi-pif", "fund", "Public Investment Fund", "沙特公共投資基金", "沙特公共投资基金", ("PIF",),
             country="SA"),
    GazEntry("jpmorgan", "company", "JPMorgan", "摩根大通", "摩根大通", ("JPMorgan Chase", "J.P. Morgan", "小摩"),
             country="US"),
    GazEntry("morgan-stanley", "company", "Morgan Stanley", "摩根士丹利", "摩根士丹利", ("大摩",), country="US"),
    GazEntry("citigroup", "company", "Citigroup", "花旗", "花旗", ("Citi", "花旗集團"), country="US"),
    GazEntry("bank-of-america", "company", "Bank of America", "美國銀行", "美国银行", ("BofA", "美銀"), country="US"),
    GazEntry("mufg", "company", "MUFG", "三菱日聯", "三菱日联", ("Mitsubishi UFJ",), country="JP"),
    GazEntry("mizuho", "company", "Mizuho", "瑞穗", "瑞穗", (), country="JP"),
    GazEntry("smbc", "company", "SMBC", "三井住友", "三井住友", ("Sumitomo Mitsui",), country="JP"),
    GazEntry("jefferies", "company", "Jefferies", "傑富瑞", "杰富瑞", (), country="US"),
    GazEntry("ubs", "company", "UBS", "瑞銀", "瑞银", (), country="CH"),
    GazEntry("hsbc", "company", "HSBC", "匯豐", "汇丰", (), country="GB"),
    GazEntry("china-gov", "government", "Chinese government", "中國政府", "中国政府", (), country="CN"),
)


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
                              frozenset(str(x) for x in d.get("sells", ())), str(d.get("country", "")))
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
                         g.sells | x.sells, g.country)
        out.append(g)
    return (*out, *more.values())


GAZETTEER = _merge(GAZETTEER, load_names())


def gazetteer_by_id() -> dict[str, GazEntry]:
    """The gazetteer keyed by entity id."""
    return {g.id: g for g in GAZETTEER}
