"""`dealweb trace` on an entity whose inflows have no amount names who pays in (never a bare "receives $0")."""

from click.testing import CliRunner

from dealweb.cli import main


def test_joint_venture_without_amounts_names_its_partners() -> None:
    # the seeds name Stargate's partners (OpenAI, Oracle, SoftBank, MGX) but not the split of their contributions
    res = CliRunner().invoke(main, ["trace", "stargate", "--ledger", "ai-capex-2025"])
    assert res.exit_code == 0, res.output
    out = " ".join(res.output.split())
    assert "receives no money in this web" in out
    assert "no amount in the ledger" in out
    for partner in ("openai (stargate)", "oracle (stargate)", "softbank (stargate)", "mgx (stargate)"):
        assert partner in out
