"""A document's file names a text inside a documents folder: no way out of it with '..' or '/'."""

from __future__ import annotations

from pathlib import Path

import pytest

from dealweb.ledger import load_ledger


@pytest.mark.parametrize("file", ["../../../../etc/shadow", "/etc/passwd", "texts/../../secret.txt"])
def test_document_file_may_not_leave_the_documents_folders(tmp_path: Path, file: str) -> None:
    (tmp_path / "l.yaml").write_text(
        "entities:\n  - {id: a, names: {en: A}}\n"
        f"documents:\n  - {{id: d1, title: T, file: '{file}'}}\n", encoding="utf-8")
    problems = [p for p in load_ledger(tmp_path, cache=False).problems if p.severity == "error"]
    assert len(problems) == 1
    assert (problems[0].line, problems[0].field) == (4, "file")
    assert "points outside the documents folders" in problems[0].message


def test_a_plain_relative_file_is_still_looked_up(tmp_path: Path) -> None:
    (tmp_path / "texts").mkdir()
    (tmp_path / "texts" / "a.txt").write_text("OpenAI 投資 Oracle", encoding="utf-8")
    (tmp_path / "l.yaml").write_text(
        "ledger: {name: t, documents_dirs: [texts]}\n"
        "entities:\n  - {id: a, names: {en: A}}\n"
        "documents:\n  - {id: d1, title: T, file: a.txt}\n", encoding="utf-8")
    # found: no error, and not the warning that says the file is missing and its quotes go unchecked
    assert load_ledger(tmp_path, cache=False).problems == []
