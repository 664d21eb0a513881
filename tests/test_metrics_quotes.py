"""The metrics' default inputs stand on sentences that are really in the seed articles."""

from pathlib import Path

import pytest

from dealweb.metrics.quotes import QUOTES, SEED_FILE


@pytest.fixture(scope="module")
def seed_text(seeds_dir: Path) -> str:
    return (seeds_dir / SEED_FILE).read_text(encoding="utf-8")


@pytest.mark.parametrize("key", sorted(QUOTES))
def test_every_quote_stands_verbatim_in_the_seed_file(seed_text: str, key: str) -> None:
    src = QUOTES[key]
    assert src.quote in seed_text, f"{key}: quote not found verbatim"
    assert src.document == SEED_FILE
    # the article named in ref is the one the quote stands in: its title appears before the quote
    title = src.ref.split(": ", 1)[1]
    assert 0 <= seed_text.find(title) < seed_text.find(src.quote)
