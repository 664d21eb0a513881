"""English deal sentences read by structure (issue 13, session 7): made-up sentences, claims found by hand.

Same conventions as tests/test_extract_english.py (made-up firms given as extra gazetteer entries; each row is
``(payer, payee, low, high)`` in USD, one row per claim a reader finds).
"""

from __future__ import annotations

import pytest

from test_extract_english import B, usd_deals


@pytest.mark.parametrize(("text", "expected"), [
    # a verb of paying after one firm's name says who pays, whoever usually sells what
    ("Flux Semiconductor is Acme's second source, with Acme intending to spend up to $10 billion on compute "
     "capacity.",
     {("acme", "flux", 0.0, 10 * B)}),
    ("Cobalt Cloud said Acme will pay $3 billion for its compute over five years.",
     {("acme", "cobalt", 3 * B, 3 * B)}),
    # a known firm under a longer formal name ("... Electronics", "... Semiconductor") is the same firm
    ("Acme announced a $16.5 billion chip supply agreement with Borealis Electronics.",
     {("acme", "borealis", 16.5 * B, 16.5 * B)}),
    # a figure's decimal point does not end the sentence between a verb and its object
    ("Acme will put $22.5 billion into Borealis.", {("acme", "borealis", 22.5 * B, 22.5 * B)}),
    ("Cobalt Cloud will purchase $5.8 billion worth of equipment from Acme.", {("cobalt", "acme", 5.8 * B, 5.8 * B)}),
])
def test_english_structure_s7(text: str, expected: set[tuple[str, str, float, float | None]]) -> None:
    assert usd_deals(text) == expected
