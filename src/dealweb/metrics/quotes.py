"""The seed articles' own sentences that each metric's default inputs stand on.

Each entry is a :class:`~dealweb.metrics.common.Source` of kind ``article``: ``ref`` names the article
(outlet and title, as printed in the seed file ``000_b5ebf8e3e65fdf02.txt``), ``quote`` is copied verbatim
(the tests check that every quote stands in the seed file), ``note`` says how the number is read.

When a ledger holds the same figure as a fact, :mod:`dealweb.metrics.defaults` prefers the ledger's fact
(its id and claim quote); these are the fall-back when no ledger is given or the ledger lacks the fact.
"""

from __future__ import annotations

from dealweb.metrics.common import Source

__all__ = ["ARTICLE", "QUOTES", "SEED_FILE"]

#: Source kind for a figure read straight from a seed article (not via a ledger).
ARTICLE = "article"

#: The seed file the quotes come from (in ``shared/seeds`` beside the repository).
SEED_FILE = "000_b5ebf8e3e65fdf02.txt"

_YC = "遠川投資評論: AI行情到了第幾層?"
_TF = "深潮 TechFlow: 美股在玩一種新型的 AI 轉盤遊戲"
_HX = "虎嗅APP: TikTok交易的下一步"
_XZ = "芯智訊: 甲骨文預計未來4年營收將增長8倍,股價暴漲近36%!"
_AE = "Alpha Engineer: Oracle 26財年Q1炸裂業績會全文(附大漲點評)"
_CI = "晶片行業: 甲骨文訂購3000億輝達晶片,共建“星際之門”"


def _q(ref: str, quote: str, note: str) -> Source:
    return Source(kind=ARTICLE, ref=ref, quote=quote, document=SEED_FILE, note=note)


QUOTES: dict[str, Source] = {
    # capacity
    "gpus_per_10gw": _q(_TF, "10 吉瓦的資料中心容量相當於 400 萬到 500 萬塊 GPU",
                        "Jensen Huang: 4-5 million GPUs per 10 GW, i.e. 400,000-500,000 per GW"),
    "gpus_for_4_5gw": _q(_TF, "4.5 吉瓦的算力需要超過 200 萬塊高端 GPU",
                         "industry estimate: more than 2 million GPUs for 4.5 GW (a check, not an input)"),
    "gb200_order": _q(_CI, "訂購了約400,000顆GB200 AI晶片,總價值約400億美元",
                      "about $40B for about 400,000 GB200: about $100,000 per accelerator"),
    # breakeven
    "life_3_5": _q(_YC, "折舊曲線將加快到三到五年的範圍", "depreciation life 3-5 years"),
    "needed_320_480": _q(_YC, "接近 3200 億美元至 4800 億美元範圍的收入範圍來實現今年資本支出的收支平衡",
                         "revenue needed to break even on this year's capex: $320B-$480B"),
    "revenue_1b_month": _q(_YC, "而目前人工智慧每月產生的收入僅僅為10億美元左右",
                           "AI revenue about $1B a month, i.e. about $12B a year"),
    "needed_1t_2026": _q(_YC, "對於收入水平的要求將高達1兆美元才能達到收支平衡",
                         "with the 2026 build, revenue needed reaches $1T"),
    # funding gap
    "openai_pays_60b": _q(_TF, "每年要向 Oracle 支付約 600 億美元,相當於該公司目前年營收的 6 倍",
                          "OpenAI's commitment: about $60B a year to Oracle, 6x its revenue"),
    "openai_revenue_10b": _q(_TF, "OpenAI 目前年營收約 100 億美元,但承諾每年向 Oracle 支付 600 億美元",
                             "OpenAI revenue about $10B a year"),
    "openai_raise_40b": _q(_TF, "4 月份,OpenAI 完成 400 億美元的融資", "OpenAI raised $40B in April 2025"),
    "oracle_contract_5y_300b": _q(_TF, "5 年 3,000 億美元的雲端運算協議", "5-year, $300B cloud contract"),
    # backlog
    "oracle_rpo_455b": _q(_XZ, "同比激增359%至4550億美元", "Oracle RPO $455B at the end of FY2026 Q1"),
    "oci_fy26_18b": _q(_XZ, "2026財年該類股收入預計達180億美元,較2025財年的103億美元增長77%",
                       "OCI revenue FY2026 $18B (FY2025 $10.3B)"),
    "oci_path": _q(_XZ, "未來四年收入目標分別設定為320億、730億、1140億和1440億美元",
                   "OCI revenue FY2027-FY2030: $32B, $73B, $114B, $144B"),
    # amplification
    "amplification": _q(_TF, "3,000 億美元的長期合約帶來 Oracle 單日超過 2,500 億美元市值上漲,1,000 億美元的投資帶來"
                             "輝達單日 1,700 億美元的上漲",
                        "Oracle +$250B on a $300B contract; Nvidia +$170B on a $100B investment"),
    "oracle_jump_36": _q(_TF, "9 月 11 日,Oracle 股價暴漲 36%", "Oracle's one-day share-price rise"),
    "oracle_cap_933b": _q(_TF, "公司市值飆升至 9,330 億美元", "Oracle's market value after the rise"),
    "nvidia_jump_4": _q(_TF, "輝達收漲近 4%,市值突破 4.46 兆美元", "Nvidia +4% to a $4.46T market value"),
    # cap table
    "tiktok_20": _q(_HX, "字節跳動目前持有TikTok的100%的股份,如何把它的股份從100%降到20%",
                    "ByteDance from 100% to 20% of TikTok (US)"),
    # bubble
    "goldman_three_parts": _q(_YC, "資產價格的迅速上漲、估值過高以及槓桿增加驅動的系統性風險顯著上升",
                              "Goldman Sachs' three components of a bubble"),
    "mag7_pe": _q(_YC, "當下\"七巨頭\"的24個月遠期市盈率中位數為27倍,如果排除特斯拉(其市盈率遠高於其他公司),"
                       "則為26倍,僅是1990年代末最大7家公司等效估值的一半",
                  "Magnificent-7 median 24-month forward P/E 27x (26x ex-Tesla), half the late-1990s top 7"),
    "capex_ratios": _q(_YC, "資本支出與銷售額之比迅速攀升的同時,資本支出與自由現金流之比卻一直保持穩定",
                       "capex/sales rising fast while capex/free cash flow stays stable"),
    "oracle_q1_fcf": _q(_AE, "自由現金流為負3.62億美元(資本支出為85億美元)",
                        "Oracle FY2026 Q1: free cash flow -$0.362B, capex $8.5B"),
    "oracle_q1_ocf": _q(_AE, "本季度經營現金流為81億美元", "Oracle FY2026 Q1 operating cash flow $8.1B"),
    "oracle_q1_revenue": _q(_AE, "季度總收入為149億美元", "Oracle FY2026 Q1 revenue $14.9B"),
}
