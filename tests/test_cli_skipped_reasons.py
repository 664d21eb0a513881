"""The graph commands say why each flow was left out, and how to keep an 'up to' figure.

Read on the seeds' ledger, named (its Nvidia-OpenAI letter is the one 'up to' figure these tests follow).
"""

from __future__ import annotations

from click.testing import CliRunner

from dealweb.cli import main

SEEDS = "ai-capex-2025"


def test_low_amounts_name_the_up_to_flow_they_drop() -> None:
    # Nvidia -> OpenAI is "up to $100B" (最高1000億美元): its low end is 0, so at --amount low it leaves the
    # web and the OpenAI -> Oracle -> Nvidia -> OpenAI loop with it.
    result = CliRunner().invoke(main, ["loops", "--ledger", SEEDS, "--amount", "low", "--include", "conditional"],
                                env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    assert "1 zero amount at 'low' (nvidia-openai-investment-100b)" in result.output
    assert "--amount mid or high keeps it" in result.output
    assert "openai → oracle → nvidia" not in result.output


def test_mid_amounts_keep_it_and_no_hint() -> None:
    result = CliRunner().invoke(main, ["loops", "--ledger", SEEDS, "--include", "conditional"], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    assert "zero amount" not in result.output
    assert "hint: an 'up to' figure" not in result.output
    assert "openai → oracle → nvidia → openai" in result.output and "runs through conditional" in result.output
    assert "nvidia-openai-investment-100b ◇" in result.output


def test_firm_money_only_by_default_says_what_it_leaves_out() -> None:
    # issue 10: "up to $100B" is conditional money, not a certain $50B: out of the default (firm) web
    result = CliRunner().invoke(main, ["loops", "--ledger", SEEDS], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    assert "firm money only" in result.output and "--include conditional adds it" in result.output
    assert "openai → oracle → nvidia → openai" not in result.output
