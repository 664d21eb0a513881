"""Reading the news: source-grounded extraction of deals and facts from zh-Hant, zh-Hans and en articles.

Data flow: :func:`dealweb.extract.normalise.normalise` (offset map back to the original) ->
:mod:`dealweb.extract.mentions` (entities, amounts, dates, periods) -> :mod:`dealweb.extract.relations`
(deals and facts, each field tied to its characters) -> :mod:`dealweb.extract.reconcile` (new, matches,
adds_source, conflicts against a ledger). :func:`dealweb.extract.ingest.ingest_text` runs them all.
"""
