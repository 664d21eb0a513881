"""The news extractor's hot modules compiled ahead of time by mypyc (setup.py, dealweb/_compiled.py).

* the installed package runs them compiled wherever a C compiler is present (CI installs with one: a build
  that silently fell back to pure Python fails here);
* compiled and Python source give the same claims, byte for byte;
* mypyc accepts the modules as they are now (what a rule change must keep: docs/scale.md);
* which of the two runs: compiled only when every compiled module was built from the present source;
* without a C compiler the build goes on as pure Python with one warning line, never a failed install.
"""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from dealweb import _compiled

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "extract_answer_key" / "articles"


def _installed_here() -> bool:
    """Whether the dealweb imported is an installed distribution (not a source tree on PYTHONPATH).

    Every ``dealweb`` distribution on ``sys.path`` is looked at: a ``src/dealweb.egg-info`` left in the clone by a
    build (``pip install .``) is found first when the source folder comes early on ``sys.path``, and is no install.
    """
    from importlib.metadata import distributions

    here = Path(_compiled.__file__).resolve().parent
    for dist in distributions(name="dealweb"):
        direct = dist.read_text("direct_url.json")
        if direct and json.loads(direct).get("dir_info", {}).get("editable"):
            root = Path(json.loads(direct)["url"].removeprefix("file://"))
            if here in (root / "src" / "dealweb", root / "dealweb"):
                return True
            continue
        files = [f for f in dist.files or [] if str(f).replace("\\", "/").endswith("dealweb/_compiled.py")]
        if files and Path(dist.locate_file(files[0])).resolve().parent == here:
            return True
    return False


def _c_compiler() -> str | None:
    cc = (os.environ.get("CC") or sysconfig.get_config_var("CC") or "cc").split()[0]
    return shutil.which(cc)


def test_the_installed_hot_modules_are_compiled_where_a_c_compiler_is_present() -> None:
    if not _installed_here():
        pytest.skip("dealweb is imported from a source tree that was not installed (PYTHONPATH): nothing built")
    stamp = _compiled.read_stamp()
    if stamp is None:
        pytest.skip("this install predates the compiled build (no stamp): reinstall to build it")
    if _c_compiler() is None:
        assert stamp["compiled"] is False  # no compiler: the build fell back, and said why
        pytest.skip("no C compiler on this machine: pure Python, as designed")
    st = _compiled.status()
    assert stamp["compiled"], f"a C compiler is present but the build compiled nothing: {stamp['error']}"
    assert st["compiled"], st["reason"]
    for name in _compiled.HOT_MODULES:
        mod = importlib.import_module(name)
        assert _compiled.is_compiled(mod), f"{name} loaded from {mod.__file__}"
        assert stamp["sources"][name] == _compiled.sha256_of(_compiled.source_path(name))


def _claims_of_fixtures() -> str:
    """Every claim of the fixture articles and seeds (as given and as one line), as canonical JSON."""
    from dealweb.extract.ingest import ingest_text
    from dealweb.extract.mentions import EntityIndex

    seeds = Path(os.environ.get("DEALWEB_SEEDS") or ROOT.parent / "shared" / "seeds")
    paths = sorted(FIXTURES.glob("*.txt")) + (sorted(seeds.glob("*.txt")) if seeds.is_dir() else [])
    index = EntityIndex()
    out = {}
    for p in paths:
        text = p.read_text(encoding="utf-8")
        out[p.name] = ingest_text(text, document=p.stem, name=p.name, index=index)
        out[p.name + "#oneline"] = ingest_text(text.replace("\n", " "), document=p.stem, index=index)
    return json.dumps(out, sort_keys=True, ensure_ascii=False)


def _which_loaded() -> dict[str, bool]:
    return {n: _compiled.is_compiled(importlib.import_module(n)) for n in _compiled.HOT_MODULES}


def test_the_python_source_gives_the_same_claims_as_this_process() -> None:
    here = _claims_of_fixtures()
    assert here.count('"kind": "deal"') >= 20  # the fixtures give claims: the comparison is not of empties
    code = ("import json, sys; sys.path.insert(0, sys.argv[1]); import test_compiled as t; "
            "print(json.dumps(t._which_loaded())); print(t._claims_of_fixtures())")
    env = {**os.environ, _compiled.PURE_ENV: "1"}
    proc = subprocess.run([sys.executable, "-c", code, str(ROOT / "tests")], env=env, capture_output=True,
                          text=True, encoding="utf-8", timeout=600, check=True)
    loaded, there = proc.stdout.split("\n", 1)
    assert not any(json.loads(loaded).values())  # the subprocess ran every hot module from its source
    assert there.rstrip("\n") == here


def test_mypyc_accepts_the_hot_modules(tmp_path: Path) -> None:
    # what setup.py runs before the C compiler: mypy's checks and mypyc's own, and C generation (no compiling)
    proc = subprocess.run(
        [sys.executable, "-c", "import sys; from mypyc.build import mypycify; "
         "mypycify(sys.argv[3:], group_name='dealweb._native', target_dir=sys.argv[1]); print('ok', sys.argv[2])",
         str(tmp_path / "build"), "checked", *_compiled.MYPY_OPTIONS,  # mypy's cache: .mypy_cache, as the build's
         *[str(_compiled.source_path(m, ROOT / "src" / "dealweb")) for m in _compiled.HOT_MODULES]],
        cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0 and "ok checked" in proc.stdout, \
        "mypyc refuses the extractor's code (see docs/scale.md, 'What compiled code forbids'):\n" \
        + proc.stdout[-6000:] + proc.stderr[-3000:]


def _tree(tmp_path: Path, stamp: dict | None, compiled: bool = True) -> Path:
    pkg = tmp_path / "dealweb"
    for name in _compiled.HOT_MODULES:
        src = _compiled.source_path(name, pkg)
        src.parent.mkdir(parents=True, exist_ok=True)
        src.write_text(f"X = {name!r}\n", encoding="utf-8")
        if compiled:
            src.with_suffix(importlib.machinery.EXTENSION_SUFFIXES[0]).write_bytes(b"\x7fELF")
    if stamp is not None:
        (pkg / _compiled.STAMP).write_text(json.dumps(stamp), encoding="utf-8")
    return pkg


def _good_stamp(pkg: Path) -> dict:
    return {"compiled": True, "error": None, "mypy": "2.4.1",
            "sources": {m: _compiled.sha256_of(_compiled.source_path(m, pkg)) for m in _compiled.HOT_MODULES}}


def test_compiled_only_when_every_module_was_built_from_its_present_source(tmp_path: Path) -> None:
    pkg = _tree(tmp_path, None)
    (pkg / _compiled.STAMP).write_text(json.dumps(_good_stamp(pkg)), encoding="utf-8")
    assert _compiled.decide(pkg, {}) == {"compiled": True, "built": True, "build_error": None, "stale": [],
                                         "reason": "compiled by mypyc 2.4.1 (7 modules)"}
    # an edit after the build (an editable install, then a change or a git pull): the source runs, all of it
    rel = _compiled.source_path("dealweb.extract.relations", pkg)
    rel.write_text(rel.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    got = _compiled.decide(pkg, {})
    assert got["compiled"] is False and got["stale"] == ["dealweb.extract.relations"]
    assert "rebuild: pip install -e ." in got["reason"]
    # one compiled module missing: never a mix
    (pkg / _compiled.STAMP).write_text(json.dumps(_good_stamp(pkg)), encoding="utf-8")
    assert _compiled.decide(pkg, {})["compiled"] is True
    _compiled.compiled_path("dealweb.money", pkg).unlink()
    assert _compiled.decide(pkg, {})["stale"] == ["dealweb.money"]
    # asked for the source
    pkg2 = _tree(tmp_path / "b", None)
    (pkg2 / _compiled.STAMP).write_text(json.dumps(_good_stamp(pkg2)), encoding="utf-8")
    got = _compiled.decide(pkg2, {_compiled.PURE_ENV: "1"})
    assert got["compiled"] is False and got["reason"] == "DEALWEB_PURE_PYTHON=1: Python source"
    assert _compiled.decide(pkg2, {_compiled.PURE_ENV: "0"})["compiled"] is True


def test_source_runs_without_a_stamp_a_build_error_or_compiled_modules(tmp_path: Path) -> None:
    got = _compiled.decide(_tree(tmp_path / "a", None), {})  # compiled files but no stamp: of unknown source
    assert got["compiled"] is False and got["built"] is None and len(got["stale"]) == 7
    got = _compiled.decide(_tree(tmp_path / "b", {"compiled": False, "error": "no compiler"}, compiled=False), {})
    assert got == {"compiled": False, "built": False, "build_error": "no compiler", "stale": [],
                   "reason": "Python source: the build compiled nothing (no compiler)"}
    got = _compiled.decide(_tree(tmp_path / "c", None, compiled=False), {})
    assert got["compiled"] is False and got["reason"] == "Python source: no compiled modules (a source tree, not built)"
    (tmp_path / "d").mkdir()
    pkg = _tree(tmp_path / "d", None)
    (pkg / _compiled.STAMP).write_text("{not json", encoding="utf-8")  # a damaged stamp is no stamp
    assert _compiled.decide(pkg, {})["compiled"] is False


def test_the_finder_gives_the_source_of_a_hot_module_when_not_compiled(monkeypatch: pytest.MonkeyPatch) -> None:
    finder = _compiled._SourceWhenNotCompiled()
    monkeypatch.setattr(_compiled, "_state", {"compiled": False})
    spec = finder.find_spec("dealweb.extract.relations")
    assert spec is not None and spec.origin == str(_compiled.source_path("dealweb.extract.relations"))
    assert isinstance(spec.loader, importlib.machinery.SourceFileLoader)
    assert finder.find_spec("dealweb.extract.review") is None  # not a hot module: the usual import
    monkeypatch.setattr(_compiled, "_state", {"compiled": True})
    assert finder.find_spec("dealweb.extract.relations") is None  # compiled: the usual import (the .so)
    assert sum(isinstance(f, _compiled._SourceWhenNotCompiled) for f in sys.meta_path) == 1


def _setup_module(tmp_path: Path):  # noqa: ANN202
    """setup.py loaded as a module, pointed at a made-up tree whose one hot module is tiny."""
    spec = importlib.util.spec_from_file_location("dealweb_setup_under_test", ROOT / "setup.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    pkg = tmp_path / "src" / "dealweb"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("", encoding="utf-8")
    (pkg / "_compiled.py").write_text(f"HOT_MODULES = ('dealweb.tiny',)\nMYPY_OPTIONS = {_compiled.MYPY_OPTIONS!r}\n",
                                      encoding="utf-8")
    (pkg / "tiny.py").write_text("def twice(x: int) -> int:\n    return 2 * x\n", encoding="utf-8")
    mod.ROOT, mod.SRC = tmp_path, tmp_path / "src"
    return mod


@pytest.mark.parametrize("how", ["no C compiler", "DEALWEB_NO_COMPILE=1"])
def test_a_build_that_cannot_compile_goes_on_as_pure_python_with_one_warning(
        how: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]) -> None:
    # setup.py's build command, run as pip's build runs it, on a tree whose hot module is tiny (mypyc's checks
    # take seconds there): a compiler that does not exist (CC), or the compilation turned off
    from setuptools import Distribution

    mod = _setup_module(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DEALWEB_NO_COMPILE", raising=False)
    if how == "no C compiler":
        monkeypatch.setenv("CC", str(tmp_path / "no-such-compiler"))
    else:
        monkeypatch.setenv("DEALWEB_NO_COMPILE", "1")
    dist = Distribution({"name": "tiny", "package_dir": {"": "src"}, "packages": ["dealweb"],
                         "ext_modules": [mod.PLACEHOLDER], "cmdclass": {"build_ext": mod.OptionalMypycBuildExt}})
    cmd = dist.get_command_obj("build_ext")
    cmd.build_lib, cmd.build_temp = str(tmp_path / "lib"), str(tmp_path / "temp")
    cmd.ensure_finalized()
    if how == "no C compiler":
        assert sorted(e.name for e in cmd.extensions) == ["dealweb._native__mypyc", "dealweb.tiny"]
    cmd.run()  # no exception: the install goes on
    err = capfd.readouterr().err
    lines = [x for x in err.splitlines() if x.startswith("warning: dealweb:")]
    assert len(lines) == 1 and "not compiled" in lines[0] and "pure Python" in lines[0], err[-3000:]
    assert ("no-such-compiler" in lines[0]) == (how == "no C compiler")
    assert not [p for p in (tmp_path / "lib").rglob("*") if p.suffix in (".so", ".pyd")]
    assert cmd.get_outputs() == []
    stamp = json.loads((tmp_path / "lib" / "dealweb" / _compiled.STAMP).read_text(encoding="utf-8"))
    assert stamp["compiled"] is False and stamp["sources"] == {} and stamp["error"]
    assert _compiled.decide(tmp_path / "lib" / "dealweb", {})["compiled"] is False


def test_the_hot_modules_objects_pickle_and_copy_compiled_or_not() -> None:
    # ingest -j, dask and ray send amounts, mentions and proposals to other processes: a frozen dataclass
    # compiled by mypyc cannot be unpickled field by field, so each is rebuilt through its constructor
    import copy
    import datetime
    import pickle

    from dealweb.extract.mentions import AmountMention, DateMention, EntityMention, PeriodMention
    from dealweb.extract.normalise import normalise
    from dealweb.extract.relations import Proposal
    from dealweb.money import Amount, FoundAmount, FxRate, FxTable, Qualifier, parse_amount

    amt = parse_amount("最高1000億美元")
    rate = FxRate("EUR", 1.1, datetime.date(2025, 1, 2), "a bank")
    objs = [amt, Amount(1.0, None, Qualifier.AT_LEAST, "USD", "at least $1", None, 1.0, "stated"),
            FoundAmount(3, 9, amt), rate, FxTable((rate,)), EntityMention(0, 4, "acme", "Acme"),
            AmountMention(5, 9, amt), DateMention(1, 2, datetime.date(2025, 3, 4), "2025-03-04"),
            DateMention(1, 2, None, "--03-04"), PeriodMention(0, 6, "FY2026"), normalise("Acme &amp; Co")]
    for x in objs:
        for back in (pickle.loads(pickle.dumps(x)), copy.deepcopy(x), copy.copy(x)):
            assert type(back) is type(x) and back == x, x
    assert amt.high == 1e11 and pickle.loads(pickle.dumps(amt)).high == 1e11
    p = Proposal("deal", (0, 40), 0.5, payer=EntityMention(0, 4, "acme", "Acme"),
                 payee=EntityMention(20, 27, "globex", "Globex"), type="equity_investment", amount=amt)
    for back in (pickle.loads(pickle.dumps(p)), copy.deepcopy(p), copy.copy(p)):
        assert (back.payer, back.payee, back.amount, back.type, back.sentence) == (p.payer, p.payee, amt,
                                                                                    "equity_investment", (0, 40))
        assert back == p
    from dealweb.extract.coref import load_descriptions

    words = load_descriptions()
    assert words is not None
    for back in (pickle.loads(pickle.dumps(words)), copy.deepcopy(words), copy.copy(words)):
        assert back == words
