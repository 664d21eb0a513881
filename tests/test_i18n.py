"""The faces in three languages: catalogues complete, every used key present, Chinese amounts by hand."""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from dealweb import fmt
from dealweb.i18n import LANGS, Messages, catalogue, entity_name, fields
from dealweb.model import FLOW_KIND, Entity, EntityKind, Status, Tier
from dealweb.money import parse_amount
from dealweb.report import Analysis, render_report
from report_fixtures import small_ledger

SRC = Path(__file__).resolve().parents[1] / "src" / "dealweb"


def test_catalogues_are_files_one_per_language():
    folder = resources.files("dealweb.report").joinpath("messages")
    assert sorted(p.name for p in folder.iterdir() if p.name.endswith(".json")) == sorted(f"{x}.json" for x in LANGS)


def test_every_key_is_in_every_catalogue_with_the_same_fields():
    en = catalogue("en")
    for lang in LANGS:
        cat = catalogue(lang)
        assert set(cat) == set(en), (lang, set(cat) ^ set(en))
        for k, v in cat.items():
            assert v.strip(), (lang, k)
            assert fields(v) == fields(en[k]), (lang, k)


def test_chinese_catalogues_are_translated_and_in_their_script():
    en, hant, hans = catalogue("en"), catalogue("zh-Hant"), catalogue("zh-Hans")
    same = [k for k in en if en[k] == hant[k] and re.search(r"[A-Za-z]{3}", en[k])]
    assert same == [], same  # nothing left in English
    # characters that exist only in one script: 們/们, 來/来, 網/网, 說/说, 資/资
    assert not re.search("[们来网说资]", "".join(hant.values()))
    assert not re.search("[們來網說資]", "".join(hans.values()))


def _used_keys() -> set[str]:
    """Every literal message key the templates, the page script and the code use."""
    keys: set[str] = set()
    pats = [re.compile(r"""\bt\(\s*["']([a-z_]+\.[a-z_.]+|footer)["']"""),
            re.compile(r"""\bT\(\s*["']([a-z_]+\.[a-z_.]+)["']""")]
    for path in [*SRC.rglob("*.html"), *SRC.rglob("*.js"), *SRC.rglob("*.py")]:
        text = path.read_text(encoding="utf-8")
        for p in pats:
            keys |= set(p.findall(text))
    return keys


def test_every_key_used_in_templates_and_code_exists():
    used = _used_keys()
    assert len(used) > 60  # the scan sees the templates, the page script and the code
    keys = set(catalogue("en"))
    # a key ending in "." or "_" is a prefix completed at run time (status., legend.size_): check its family
    missing = sorted(k for k in used if (k not in keys) if not (k[-1] in "._" and any(x.startswith(k) for x in keys)))
    assert missing == [], missing
    assert {f"legend.size_{b}" for b in ("market_cap", "flow", "none")} <= keys


def test_every_status_tier_type_and_kind_has_words():
    cat = catalogue("en")
    wanted = ({f"status.{s.value}" for s in Status} | {f"tier.{t.value}" for t in Tier}
              | {f"type.{t}" for t in FLOW_KIND} | {f"kind.{k}" for k in set(FLOW_KIND.values())})
    assert wanted <= set(cat), sorted(wanted - set(cat))


def test_a_missing_key_names_the_key_and_the_catalogue():
    with pytest.raises(KeyError, match="no.such.key.*zh-Hans.json"):
        Messages("zh-Hans")("no.such.key")
    with pytest.raises(ValueError, match="en, zh-Hant, zh-Hans"):
        Messages("fr")


@pytest.mark.parametrize(("x", "hant", "hans", "en"), [
    (4.55e11, "4,550億美元", "4,550亿美元", "$455B"),
    (1.5e12, "1.5兆美元", "1.5万亿美元", "$1.5T"),
    (4.46e12, "4.46兆美元", "4.46万亿美元", "$4.46T"),
    (3e11, "3,000億美元", "3,000亿美元", "$300B"),
    (2.24e10, "224億美元", "224亿美元", "$22.4B"),
    (1e8, "1億美元", "1亿美元", "$100M"),
    (5e7, "5,000萬美元", "5,000万美元", "$50M"),
    (99_999_999, "1億美元", "1亿美元", "$100M"),
    (-2e9, "-20億美元", "-20亿美元", "-$2B"),
    (328.33, "328.33美元", "328.33美元", "$328.33"),
])
def test_chinese_money_by_hand(x, hant, hans, en):
    assert fmt.money(x, lang="zh-Hant") == hant
    assert fmt.money(x, lang="zh-Hans") == hans
    assert fmt.money(x) == en


def test_chinese_amounts_keep_their_qualifier():
    cases = {"最高1000億美元": ("最多1,000億美元", "最多1,000亿美元"), "約400億美元": ("約400億美元", "约400亿美元"),
             "至少1.5兆美元": ("至少1.5兆美元", "至少1.5万亿美元"),
             "$320B-$480B": ("3,200–4,800億美元", "3,200–4,800亿美元"),
             "$400B to $1.2T": ("4,000億–1.2兆美元", "4,000亿–1.2万亿美元"), "1.6億股": ("1.6億股", "1.6亿股"),
             "10 trillion yen": ("10兆日圓", "10万亿日元")}
    for text, (hant, hans) in cases.items():
        a = parse_amount(text)
        assert fmt.amount(a, lang="zh-Hant") == hant, text
        assert fmt.amount(a, lang="zh-Hans") == hans, text


@given(st.floats(min_value=1e4, max_value=9.99e15))
def test_chinese_figure_reads_back_within_rounding(x):
    text = fmt.zh_number(x, "zh-Hant")
    m = re.fullmatch(r"([\d,.]+)(萬|億|兆)", text)
    assert m, text
    value = float(m.group(1).replace(",", "")) * {"萬": 1e4, "億": 1e8, "兆": 1e12}[m.group(2)]
    assert abs(value - x) <= 0.0051 * {"萬": 1e4, "億": 1e8, "兆": 1e12}[m.group(2)] + 1e-9 * x
    assert fmt.zh_number(x, "zh-Hans").replace("万亿", "兆").replace("亿", "億").replace("万", "萬") == text


def test_names_in_the_chosen_script_folded_when_one_script_is_recorded():
    both = Entity("nv", {"en": "Nvidia", "zh-Hant": "輝達", "zh-Hans": "英伟达"})
    hant_only = Entity("sb", {"en": "SoftBank", "zh-Hant": "軟銀"}, kind=EntityKind.FUND)
    hans_only = Entity("ms", {"en": "Microsoft", "zh-Hans": "微软"})
    english = Entity("cw", {"en": "CoreWeave"})
    assert [entity_name(e, "en") for e in (both, hant_only, hans_only, english)] == [
        "Nvidia", "SoftBank", "Microsoft", "CoreWeave"]
    assert [entity_name(e, "zh-Hant") for e in (both, hant_only, hans_only, english)] == [
        "輝達", "軟銀", "微軟", "CoreWeave"]
    assert [entity_name(e, "zh-Hans") for e in (both, hant_only, hans_only, english)] == [
        "英伟达", "软银", "微软", "CoreWeave"]


@pytest.mark.parametrize("lang", ["zh-Hant", "zh-Hans"])
def test_report_in_chinese_has_no_english_headings(lang):
    html = render_report(small_ledger(), analysis=Analysis(), lang=lang)
    cat = catalogue(lang)
    assert f'<html lang="{lang}">' in html
    for key in ("map.heading", "loops.heading", "deals.heading", "facts.heading", "sources.heading",
                "explain.circular", "deals.col.parties"):
        assert cat[key] in html, key
    for english in ("The map", "Money loops", "Where the sources disagree", "Payer → payee",
                    "What makes a deal circular?", "Investment / equity"):
        assert english not in html, english
    hans = lang == "zh-Hans"
    # Oracle's $300B contract, SoftBank's name and Nvidia's recorded Simplified name
    assert ("3,000亿美元" if hans else "3,000億美元") in html
    assert ("软银" if hans else "軟銀") in html
    assert ("英伟达" if hans else "輝達") in html
    data = json.loads(re.search(r'id="dw-data">(.*?)</script>', html, re.S).group(1))
    assert data["messages"]["js.deals"] == cat["js.deals"]
    assert data["deals"]["oracle-nvidia-chips"]["amount"]["label"] == ("约400亿美元" if hans else "約400億美元")
    assert data["deals"]["openai-oracle-cloud"]["origins"] == ["doc-a", "doc-b"]


def test_english_report_unchanged_in_its_words():
    html = render_report(small_ledger(), analysis=Analysis())
    assert '<html lang="en">' in html and "The map" in html and "$300B" in html


def test_report_command_takes_lang(tmp_path):
    from dealweb.cli import main
    from report_fixtures import LEDGER_YAML

    led = tmp_path / "ledger.yaml"
    led.write_text(LEDGER_YAML, encoding="utf-8")
    out = tmp_path / "r.html"
    svg = tmp_path / "m.svg"
    res = CliRunner().invoke(main, ["report", str(led), "-o", str(out), "--svg", str(svg), "--no-stress",
                                    "--lang", "zh-Hans"])
    assert res.exit_code == 0, res.output
    assert catalogue("zh-Hans")["map.heading"] in out.read_text(encoding="utf-8")
    assert catalogue("zh-Hans")["legend.loop"] in svg.read_text(encoding="utf-8")
    bad = CliRunner().invoke(main, ["report", str(led), "-o", str(out), "--lang", "fr"])
    assert bad.exit_code != 0 and "zh-Hant" in bad.output


def test_neighbourhood_view_keeps_firms_within_two_deals():
    from dealweb.model import Deal, Ledger
    from dealweb.report import map_view

    # A chain e0 -> e1 -> ... -> e9: within two deals of e4 are e2..e6, by hand.
    ents = {f"e{i}": Entity(f"e{i}", {"en": f"E{i}"}) for i in range(10)}
    deals = {f"d{k}": Deal(f"d{k}", "chip_purchase", f"e{k}", f"e{k + 1}", amount=parse_amount(f"{k + 1}億美元"))
             for k in range(9)}
    view = map_view(Ledger(entities=ents, deals=deals), focus="e4")
    assert {n.id for n in view.nodes} == {"e2", "e3", "e4", "e5", "e6"}
    assert view.hidden == 5 and {e.deal for e in view.edges} == {"d2", "d3", "d4", "d5"}
    with pytest.raises(KeyError):
        map_view(Ledger(entities=ents, deals=deals), focus="nobody")


def test_loop_money_words_translated():
    from dealweb.report import LoopRow

    an = Analysis(loops=[LoopRow(("a", "b", "a"), ("x", "y"), 1e9, "firm"),
                         LoopRow(("a", "c", "a"), ("z",), 1e9, "conditional: runs through z", ("z",))])
    html = render_report(small_ledger(), analysis=an, lang="zh-Hant")
    assert "附條件：經過 z" in html and "<td>確定</td>" in html and "runs through" not in html
