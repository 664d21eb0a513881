"""English deal sentences read by structure, not wording (issue 13, session 5).

Table-driven: every sentence was written for these tests with made-up firms (Acme, Borealis, Cobalt Cloud,
Dynamo Capital, Ember Labs, Flux Semiconductor, and Quorra and Zentrix, which no list holds), given to the
extractor as extra gazetteer entries. Each row states by hand the USD deal claims a reader finds:
``(payer, payee, low, high)`` in USD (``None`` for an open bound), one row per claim.
"""

from __future__ import annotations

import pytest

from dealweb.extract.gazetteer import GazEntry
from dealweb.extract.ingest import ingest_text
from dealweb.extract.mentions import EntityIndex

FIRMS = (
    GazEntry("acme", "company", "Acme", "艾克米", "艾克米"),
    GazEntry("borealis", "company", "Borealis", "博瑞斯", "博瑞斯"),
    GazEntry("cobalt", "company", "Cobalt Cloud", "鈷雲", "钴云", sells=frozenset({"compute_contract"})),
    GazEntry("dynamo", "fund", "Dynamo Capital", "迪納摩資本", "迪纳摩资本"),
    GazEntry("ember", "company", "Ember Labs", "恩博實驗室", "恩博实验室"),
    GazEntry("flux", "company", "Flux Semiconductor", "弗勒克斯", "弗勒克斯", sells=frozenset({"chip_purchase"})),
    GazEntry("gizmo", "product", "Gizmo", "吉茲莫", "吉兹莫"),
    GazEntry("nimbus-jv", "project", "Nimbus", "寧巴斯", "宁巴斯"),
    GazEntry("scale-robotics", "company", "Scale Robotics", "斯凱爾機器人", "斯凯尔机器人"),
)
INDEX = EntityIndex(extra=FIRMS)
B = 1e9
M = 1e6


def usd_deals(text: str) -> set[tuple[str, str, float, float | None]]:
    """(payer, payee, usd_low, usd_high) of every USD deal claim proposed for ``text``."""
    out = set()
    for c in ingest_text(text, index=INDEX):
        if c["kind"] == "deal" and c["amount"] and c["amount"]["currency"] == "USD":
            hi = c["amount"]["usd_high"]
            out.add((c["from"]["id"], c["to"]["id"], c["amount"]["usd_low"], None if hi == float("inf") else hi))
    return _rounded(out)


def _rounded(claims: set[tuple[str, str, float, float | None]]) -> set[tuple[str, str, float, float | None]]:
    """Bounds to the nearest thousand dollars (0.9 x 38e9 is not 34.2e9 in binary floating point)."""
    return {(p, q, round(lo, -3), None if hi is None else round(hi, -3)) for p, q, lo, hi in claims}


@pytest.mark.parametrize(("text", "expected"), [
    # a licence: the licensee pays the licensor, whatever the two usually sell; a chip word that describes a
    # firm ("AI chip startup") names no goods
    ("Flux Semiconductor reached a $20 billion deal with AI chip startup Zentrix to license its inference designs.",
     {("flux", "zentrix", 20 * B, 20 * B)}),
    ("Acme announced a $3 billion licensing agreement with Borealis, the robotics startup that once called "
     "itself a rival.",
     {("acme", "borealis", 3 * B, 3 * B)}),
    # a remark in parentheses names no party
    ("Acme has reached a $4 billion licensing deal with Borealis (not to be confused with the Ember Labs robot "
     "from Dynamo Capital).",
     {("acme", "borealis", 4 * B, 4 * B)}),
    # shares bought in a firm: the buyer pays the firm (a chip word describing the firm is not a chip order)
    ("Acme bought $2 billion worth of shares in Flux Semiconductor, one of the largest chip software companies.",
     {("acme", "flux", 2 * B, 2 * B)}),
    # firms nobody listed, known by where they stand: after a maker word, set off by a description
    ("Acme invested $2 billion in design software maker Zentrix.", {("acme", "zentrix", 2 * B, 2 * B)}),
    ("Quorra, a robotics startup, raised $1 billion from Acme.", {("acme", "quorra", 1 * B, 1 * B)}),
    # a known firm under its formal name is the same firm
    ("Acme will invest $5 billion in Borealis Technologies.", {("acme", "borealis", 5 * B, 5 * B)}),
    # a description opening the sentence points back to the firm named before
    ("Acme reported results on Monday. The Berlin-based robot maker will also invest $5 billion in Ember Labs.",
     {("acme", "ember", 5 * B, 5 * B)}),
    # a list of figures, each followed by its object: the subject stands before them
    ("Dynamo Capital said on Monday it had backed several firms this year, ranging from a $3 billion "
     "investment in Acme to a $1 billion stake in Borealis.",
     {("dynamo", "acme", 3 * B, 3 * B), ("dynamo", "borealis", 1 * B, 1 * B)}),
    ("Dynamo Capital owns stakes in many firms. The fund has made deals ranging from a $3 billion investment in "
     "Acme to a $1 billion stake in Borealis.",
     {("dynamo", "acme", 3 * B, 3 * B), ("dynamo", "borealis", 1 * B, 1 * B)}),
    # a product named to describe its maker is not a party
    ("Dynamo Capital will invest $4 billion in Gizmo parent Acme.", {("dynamo", "acme", 4 * B, 4 * B)}),
    # the value of the deal in view, stated without its parties
    ("Acme signed a licensing agreement with Borealis on Monday. The reported value is roughly $20 billion.",
     {("acme", "borealis", 18 * B, 22 * B)}),
    ("Acme will rent GPU capacity from Cobalt Cloud under a new agreement.\n"
     "- Contract value: about $38 billion over seven years",
     {("acme", "cobalt", 34.2 * B, 41.8 * B)}),
    ("Acme agreed to buy computing power from Cobalt Cloud. Analysts pegged the commitment at around $30 billion.",
     {("acme", "cobalt", 27 * B, 33 * B)}),
    # ... or naming only its parties
    ("Acme signed a multi-year agreement with Cobalt Cloud. The deal is valued at more than $10 billion and gives "
     "Acme an option on more capacity.",
     {("acme", "cobalt", 10 * B, None)}),
    # a possessive is not part of a new firm's name
    ("Dynamo Capital will pour $2 billion into Quorra's robotics unit.", {("dynamo", "quorra", 2 * B, 2 * B)}),
    # several firms after "from"/"between" pay together (guideline section 7: one claim, the group as payer)
    ("Ember Labs nets $15 billion of investment from Acme and Borealis in return.",
     {("acme+borealis", "ember", 15 * B, 15 * B)}),
    ("The $15 billion investment is split evenly between Acme and Borealis, each taking a stake in Ember Labs.",
     {("acme+borealis", "ember", 15 * B, 15 * B)}),
    # a purchase said outright ("purchase ... from") wins over who usually sells what
    ("Cobalt Cloud will purchase $58 billion worth of equipment from Acme, securing more computing power.",
     {("cobalt", "acme", 58 * B, 58 * B)}),
    # an epithet with a chip word names no chip order
    ("GPU king Flux Semiconductor will pay $1 billion for a stake of 2.9% in Borealis.",
     {("flux", "borealis", 1 * B, 1 * B)}),
    # "Australian infrastructure operator" describes the new firm after it
    ("Acme has signed a five-year, $9 billion contract with Australian infrastructure operator Quorra to secure "
     "cloud computing power.",
     {("acme", "quorra", 9 * B, 9 * B)}),
    # an opening phrase of time, then a description of the firm named before ("its Borealis agreement": Borealis
    # is the other party; Cobalt Cloud sells the compute)
    ("Cobalt Cloud signed a cloud contract with Acme in May. Days earlier, the company expanded its Borealis "
     "agreement by $6.5 billion.",
     {("borealis", "cobalt", 6.5 * B, 6.5 * B)}),
    # the firm that announces is the other party of what the firm after "that" does
    ("Acme Corp. announced Friday that Dynamo Capital has agreed to acquire a 10% stake in the company for "
     "$8.9 billion.",
     {("dynamo", "acme", 8.9 * B, 8.9 * B)}),
    # a known firm under its formal name (a public benefit corporation)
    ("Dynamo Capital has finalized its $40 billion investment in Acme PBC, a deal first announced in March.",
     {("dynamo", "acme", 40 * B, 40 * B)}),
    # a partner's cash into the venture in view, and the venture's distribution to the other partner
    ("Acme and Dynamo Capital formed a joint venture to build the Nimbus campus. Dynamo Capital contributed about "
     "$7 billion in cash to the venture, and Acme received a one-time distribution of about $3 billion.",
     {("dynamo", "nimbus-jv", 6.3 * B, 7.7 * B), ("nimbus-jv", "acme", 2.7 * B, 3.3 * B)}),
    # commas inside a parenthesis do not cut the clause: the firm before it stays in the figure's clause
    ("After signing a contract with Borealis, Cobalt Cloud is now in talks with Acme (the owner of Gizmo, Widget, "
     "and Sprocket) over a cloud deal worth around $20 billion.",
     {("acme", "cobalt", 18 * B, 22 * B)}),
    # "A, B, and C": one list of payers
    ("Ember Labs has raised a $12 billion round of funding from Acme, Borealis, and Dynamo Capital.",
     {("acme+borealis+dynamo", "ember", 12 * B, 12 * B)}),
    ("Acme, Borealis and Dynamo Capital will invest $9 billion in Ember Labs.",
     {("acme+borealis+dynamo", "ember", 9 * B, 9 * B)}),
    # a list of figures with their sources, the first one with its noun
    ("Ember Labs closed a $12 billion funding round on Monday. The round includes a $3 billion investment from "
     "Acme, $4 billion from Borealis, and $5 billion from Dynamo Capital, Reuters reported.",
     {("acme", "ember", 3 * B, 3 * B), ("borealis", "ember", 4 * B, 4 * B), ("dynamo", "ember", 5 * B, 5 * B)}),
    # a known name at the tail of a lower-case compound is a word, not the firm ("large-scale robotics")
    ("Dynamo Capital will invest $2 billion in Ember Labs to build large-scale robotics fleets.",
     {("dynamo", "ember", 2 * B, 2 * B)}),
    # two firms joined by a hyphen stay two firms
    ("Acme-Borealis talks: Acme will invest $2 billion in Borealis.", {("acme", "borealis", 2 * B, 2 * B)}),
    # whose deal a figure's noun phrase is ("X's", "its"), and the object after it
    ("Two deals stand out: Cobalt Cloud's landmark $14 billion deal with Acme and its expanded $6.5 billion pact "
     "with Borealis.",
     {("acme", "cobalt", 14 * B, 14 * B), ("borealis", "cobalt", 6.5 * B, 6.5 * B)}),
    # a running total after a deal just told is the same pair's
    ("In parallel, Cobalt Cloud has expanded its existing pact with Borealis by another $6.5 billion, bringing the "
     "total value of their collaboration to $22.4 billion.",
     {("borealis", "cobalt", 6.5 * B, 6.5 * B), ("borealis", "cobalt", 22.4 * B, 22.4 * B)}),
    # amounts in words: "multi-billion dollar" is billions [2B, 9B] (guideline section 3), "dollar" as an adjective,
    # "exceeds" a lower bound, "an estimated" about [0.9x, 1.1x]
    ("Acme has signed a multi-billion dollar agreement with Cobalt Cloud for cloud computing capacity.",
     {("acme", "cobalt", 2 * B, 9 * B)}),
    ("Acme has announced a multibillion-dollar partnership with Cobalt Cloud to deploy cloud capacity.",
     {("acme", "cobalt", 2 * B, 9 * B)}),
    ("Acme disclosed a two billion dollar purchase of Borealis common stock.", {("acme", "borealis", 2 * B, 2 * B)}),
    ("Acme signed a cloud computing deal with Cobalt Cloud. The deal reportedly exceeds $10bn.",
     {("acme", "cobalt", 10 * B, None)}),
    ("Cobalt Cloud is in talks with Acme over a cloud-computing agreement worth an estimated $20 billion.",
     {("acme", "cobalt", 18 * B, 22 * B)}),
    # a firm reporting what another will invest: the one that "will make an investment" pays, with or without
    # an object after the noun, and also when the deal comes with warrants (helper newsen2)
    ("Acme said Borealis will make a $1 billion equity investment and receive warrants to buy more shares.",
     {("borealis", "acme", 1 * B, 1 * B)}),
    ("Acme said Dynamo Capital will make a $700 million equity investment.",
     {("dynamo", "acme", 700 * M, 700 * M)}),
    # a capitalised word with a lower-case tail ("GPU-heavy", "AI-driven") is an adjective, not a new firm's name
    ("Acme has signed a five-year, $11.9 billion agreement with GPU-heavy cloud service, Cobalt Cloud, people "
     "close to the deal said.",
     {("acme", "cobalt", 11.9 * B, 11.9 * B)}),
    ("Acme has signed a $2 billion licensing agreement with AI-driven Borealis.", {("acme", "borealis", 2 * B, 2 * B)}),
    # money paid or spent "to integrate/deploy/use" another firm's technology buys it from that firm, whoever
    # else the sentences before name, and a year's figure keeps its amount
    ("Acme has agreed to pay $3 billion annually to integrate Borealis's technology across its businesses.",
     {("acme", "borealis", 3 * B, 3 * B)}),
    ("Acme announced a partnership with Borealis to jointly develop and sell robots. It is reported that Acme "
     "will spend US$3 billion per year to deploy Borealis solutions among its group companies.",
     {("acme", "borealis", 3 * B, 3 * B)}),
    ("Borealis said Acme will spend $400 million to use Borealis software in its plants.",
     {("acme", "borealis", 400 * M, 400 * M)}),
    # money "put into" or "behind" a firm is an investment in it
    ("Borealis puts $1 billion behind Acme to bring its robots to Gizmo.", {("borealis", "acme", 1 * B, 1 * B)}),
    ("Dynamo Capital put $2 billion into Ember Labs last year.", {("dynamo", "ember", 2 * B, 2 * B)}),
    # an export licence is no licence deal: the chip order stands
    ("Acme won an export license from the government and will buy $1 billion of chips from Flux Semiconductor.",
     {("acme", "flux", 1 * B, 1 * B)}),
])
def test_english_deal_s5(text: str, expected: set[tuple[str, str, float, float | None]]) -> None:
    assert usd_deals(text) == _rounded(expected)


@pytest.mark.parametrize(("text", "expected"), [
    # session 6. A paragraph opening on a description of a firm points back past the line break, to the firm
    # the text has named most (not the last one named: the paragraph before may be about someone else)
    ("Dynamo Capital invested $2 billion in Ember Labs on Monday, Dynamo Capital said.\n\nEmber Labs shares rose "
     "7%, while those of Borealis fell.\n\nThe world's largest fund has also made deals ranging from a "
     "$3 billion investment in Gizmo parent Acme to a $1 billion stake in Borealis.",
     {("dynamo", "ember", 2 * B, 2 * B), ("dynamo", "acme", 3 * B, 3 * B), ("dynamo", "borealis", 1 * B, 1 * B)}),
    # "as much as a $N investment": the bound holds across the article
    ("Dynamo Capital signed deals allowing as much as a $3 billion investment in Acme.",
     {("dynamo", "acme", 0, 3 * B)}),
    # a hedge on the size of a deal already told is the deal's value, hedged (guideline section 6)
    ("Acme will buy Flux Semiconductor's latest chips. The agreement could potentially be worth more than "
     "$100 billion.",
     {("acme", "flux", 100 * B, None)}),
    ("Acme signed a cloud deal with Cobalt Cloud that could reach as much as $27 billion over five years.",
     {("acme", "cobalt", 0, 27 * B)}),
    # a line broken inside a sentence (a word before the break, a lower-case word or a figure after it) is one
    # sentence: wrapped text
    ("The filings describe two commitments: Dynamo Capital's pledge to invest\nup to $10 billion in Acme; and "
     "Borealis's purchase of roughly\n$30 billion of compute capacity from Cobalt Cloud.",
     {("dynamo", "acme", 0, 10 * B), ("borealis", "cobalt", 27 * B, 33 * B)}),
    # investors each right before their own figure (in parentheses, or bare): one claim each, to the firm marked
    # as the object or the one other firm named before them, even after a purchase told in the same sentence
    ("Acme's pledge to buy $30 billion of compute from Cobalt Cloud is backed by investments from Dynamo Capital "
     "(up to $10 billion) and Borealis (up to $5 billion).",
     {("acme", "cobalt", 30 * B, 30 * B), ("dynamo", "acme", 0, 10 * B), ("borealis", "acme", 0, 5 * B)}),
    ("Dynamo Capital and Borealis will make equity investments in Acme, Dynamo Capital up to $10 billion and "
     "Borealis up to $5 billion.",
     {("dynamo", "acme", 0, 10 * B), ("borealis", "acme", 0, 5 * B)}),
    # gapping: the second investor's verb is left out, or each has its own verb and they share one object
    ("Meanwhile, Dynamo Capital pledged up to $10 billion and Borealis up to $5 billion in direct investment in "
     "Acme.",
     {("dynamo", "acme", 0, 10 * B), ("borealis", "acme", 0, 5 * B)}),
    ("Dynamo Capital will invest up to $10 billion, while Borealis aims to contribute around $5 billion to Acme's "
     "growth.",
     {("dynamo", "acme", 0, 10 * B), ("borealis", "acme", 4.5 * B, 5.5 * B)}),
    # a buyout or takeover is an acquisition: the buyer pays the firm bought
    ("Acme had announced a $4.9 billion buyout of Borealis last year.", {("acme", "borealis", 4.9 * B, 4.9 * B)}),
    # a running total ("a partnership that now totals"), and an earlier deal of the pair told by its figure
    ("Acme has expanded its deal with Cobalt Cloud by adding a new $21 billion cloud computing agreement, "
     "strengthening a partnership that now totals around $35 billion. This builds on a previous $14.2 billion deal "
     "signed in September.",
     {("acme", "cobalt", 21 * B, 21 * B), ("acme", "cobalt", 31.5 * B, 38.5 * B),
      ("acme", "cobalt", 14.2 * B, 14.2 * B)}),
    ("Cobalt Cloud will supply cloud capacity to Acme for up to $21 billion. This move builds upon the $14.2 billion "
     "cloud computing agreement reached in September.",
     {("acme", "cobalt", 0, 21 * B), ("acme", "cobalt", 14.2 * B, 14.2 * B)}),
    # a firm inside a nickname is no party
    ("Cobalt Cloud, known as “Flux Semiconductor's favoured child,” has expanded its agreement with Acme to supply "
     "cloud computing capacity worth up to $21 billion.",
     {("acme", "cobalt", 0, 21 * B)}),
    # deal verbs in their -ing form and verbs of pouring money in
    ("Acme is acquiring Borealis for $2.4 billion, signaling a strategic move.",
     {("acme", "borealis", 2.4 * B, 2.4 * B)}),
    ("Acme is considering investing up to $1 billion in AI startup Borealis.", {("acme", "borealis", 0, 1 * B)}),
    ("Borealis is renting servers from Cobalt Cloud for $2 billion.", {("borealis", "cobalt", 2 * B, 2 * B)}),
    ("Dynamo Capital is in advanced talks to pump $500 million (£400m) into Acme, a robotics start-up.",
     {("dynamo", "acme", 500 * M, 500 * M)}),
    # the firm that said what another does is that firm's counterparty, also after "had said ... that"
    ("Acme had said on Thursday that Dynamo Capital was planning to invest $500 million in the company.",
     {("dynamo", "acme", 500 * M, 500 * M)}),
    # a loan or credit deal between a fund or bank and a firm of another kind: the fund lends
    ("The bond sale follows Acme's recent $30 billion private credit deal with Dynamo Capital.",
     {("dynamo", "acme", 30 * B, 30 * B)}),
    # a new paragraph that names only the deal's object, after a noun phrase that names no one: the other party is
    # the firm the text has named most
    ("Cobalt Cloud shares surged 36% on Wednesday, Cobalt Cloud said.\nThis expansion stems largely from a single "
     "landmark agreement: a five-year, $300 billion cloud infrastructure partnership with Acme.",
     {("acme", "cobalt", 300 * B, 300 * B)}),
    # a question that takes the deal as given ("How did ...?") tells it; one that asks whether does not
    ("How Did Cobalt Cloud Secure a $10 Billion Cloud Deal with Acme?", {("acme", "cobalt", 10 * B, 10 * B)}),
    # money sent or transferred to a firm is paid to it
    ("Dynamo Capital has completed its commitment to invest $40 billion in Acme. Last week, the fund sent "
     "approximately $22.5 billion to Acme.",
     {("dynamo", "acme", 40 * B, 40 * B), ("dynamo", "acme", 20.25 * B, 24.75 * B)}),
    ("Sources said the fund completed the transaction by transferring $22.5 billion directly to Acme, Dynamo "
     "Capital said.",
     {("dynamo", "acme", 22.5 * B, 22.5 * B)}),
    # firms before "which" invest in the one the sentence points back to
    ("Acme makes robots. It already benefits from substantial backing from major firms, including Borealis, which "
     "has invested $8 billion, and Dynamo Capital, which contributed $2 billion in 2023.",
     {("borealis", "acme", 8 * B, 8 * B), ("dynamo", "acme", 2 * B, 2 * B)}),
    # a firm named as the maker of a product ("Flux's chips") is not the subject of the deal after it
    ("Acme has broken ground on its first data centres, a project that combines Flux Semiconductor's cutting-edge "
     "chips with a blockbuster $10 billion deal with Borealis.",
     {("acme", "borealis", 10 * B, 10 * B)}),
    # "each committing": every firm of the run pays the figure to the firm whose round the text is about
    ("Ember Labs has just closed the largest private funding round in its history.\n\nAcme and Borealis are each "
     "committing $30 billion.",
     {("acme", "ember", 30 * B, 30 * B), ("borealis", "ember", 30 * B, 30 * B)}),
    # a condition set off as an aside (", if confirmed,") bears on its own clause, not on the figures after it
    ("This deal, if confirmed, surpasses Acme's $7 billion acquisition of Borealis in 2019.",
     {("acme", "borealis", 7 * B, 7 * B)}),
    # two figures of one pair, each with its own deal noun ("a new $4B deal ... the $11.9B deal"): two deals
    ("When Acme quietly signed a new $4B deal with Cobalt Cloud last week, on top of the $11.9B deal from March, it "
     "doubled down on compute.",
     {("acme", "cobalt", 4 * B, 4 * B), ("acme", "cobalt", 11.9 * B, 11.9 * B)}),
    # ... but two objects are two deals
    ("Dynamo Capital invested $10 billion in Acme, while Borealis invested $5 billion in Ember Labs.",
     {("dynamo", "acme", 10 * B, 10 * B), ("borealis", "ember", 5 * B, 5 * B)}),
])
def test_english_deal(text: str, expected: set[tuple[str, str, float, float | None]]) -> None:
    assert usd_deals(text) == _rounded(expected)


@pytest.mark.parametrize("text", [
    # "Australian" describes the firm; no deal kind is named, so no direction can be read
    "Acme signed a $9 billion deal with Australian company Quorra.",
    # "the two companies" stands for the parties, not for the deal: the figure is the buyer's own spending
    "Acme bought cloud capacity from Cobalt Cloud last year. The two companies said Acme would spend $38 billion "
    "on its own sites.",
    # a party saying it never bound itself, or not confirming, gives no claim of that figure
    "Acme said it never committed to a $100 billion investment in Borealis.",
    "Acme has not officially confirmed a $20 billion licensing agreement with Borealis.",
    # a guarantee of another's obligations moves no money (guideline section 5)
    "Dynamo Capital will backstop $1.8 billion of Acme's lease obligations to support its debt financing.",
    "Borealis has committed to backing up $1.4 billion of Acme's lease obligations.",
    # the size of a joint venture is no partner's payment
    "Acme announced a $27 billion joint venture with Dynamo Capital to develop the Nimbus campus.",
    # several deals described together carry no value of any one of them
    "Ember Labs closed its round, with Acme, Borealis and Dynamo Capital each making multi-billion-dollar "
    "commitments.",
    # "put" with no firm it goes into is no investment
    "Acme put $2 billion aside for buybacks after its deal talks with Borealis ended.",
    # a capitalised word before "company" is no firm of its own
    "Acme said the Australian company would not disclose the $9 billion figure.",
    # a figure that measures a guarantee or backstop, whatever its wording, moves no money
    "Dynamo Capital will provide an additional $1.4 billion backstop to support Acme's debt financing.",
    "Dynamo Capital expanded its backing of Acme's lease obligations with a new $333 million guarantee.",
    "Dynamo Capital's backstop in the agreement has now increased to $3.2 billion in return for warrants.",
    # a deal voted down or rejected
    "Borealis shareholders voted against a proposed $9 billion acquisition by Acme.",
    "Borealis Shareholders Reject $9 Billion Acquisition Bid from Acme",
    "In 2024, Borealis turned down Acme's initial buyout proposal, which was valued near $1 billion.",
    # Singapore (and Australian, Canadian) dollars are not US dollars
    "Dynamo Capital plans to invest S$3.5 billion in Acme and other startups.",
    # a new paragraph naming its payer by "by": no firm from before is carried in
    "Acme said on Monday that its shares rose.\nThe deals include a $20 billion commitment by Borealis to invest in "
    "data centres in the US.",
    "Will Acme invest $5 billion in Borealis?",
    "Is Acme's $5 billion investment in Borealis at risk?",
    # a holder selling shares of another firm, no buyer named: no claim, and the firm whose shares they are
    # receives nothing (guideline section 2)
    "To finance the investment, Dynamo Capital sold $5.8 billion worth of Acme shares and $4.8 billion in Borealis "
    "stock.",
    "Acme will invest $7 billion in Borealis if the talks go well.",
    # a hedge on a payment itself stays a supposition
    "Acme could pay Borealis $5 billion if the talks go well.",
    "Acme's market value could exceed $1 trillion after its deal with Borealis.",
])
def test_english_no_deal(text: str) -> None:
    assert usd_deals(text) == set()
