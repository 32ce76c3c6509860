"""`teikit init`: a new edition project that validates and builds at once, also from a wheel."""

from __future__ import annotations

import os
import subprocess
import sys
import venv

import pytest

from conftest import ROOT, run_cli
from teikit.init import FILES

EXPECTED = {"teikit.toml", "tei/edition.xml", "README.md", ".gitignore", ".pre-commit-config.yaml",
            ".github/workflows/teikit.yml"}


def test_init_writes_a_project_that_validates_and_builds(tmp_path):
    done = run_cli("init", "ed", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    project = tmp_path / "ed"
    assert {str(p.relative_to(project)) for p in project.rglob("*") if p.is_file()} == EXPECTED
    assert set(FILES.values()) == EXPECTED
    valid = run_cli("validate", cwd=project)
    assert valid.returncode == 0 and "1 valid" in valid.stdout, valid.stdout + valid.stderr
    built = run_cli("build", cwd=project)
    assert built.returncode == 0, built.stderr
    assert {p.name for p in (project / "build").iterdir() if p.is_file()} == {
        "edition.html", "edition.pdf", "edition.txt"}
    assert "Ada Lovelace" in (project / "build" / "edition.html").read_text(encoding="utf-8")


def test_init_never_overwrites_a_file(tmp_path):
    (tmp_path / "tei").mkdir()
    (tmp_path / "tei" / "edition.xml").write_text("mine")
    (tmp_path / "README.md").write_text("my readme")
    done = run_cli("init", cwd=tmp_path)
    assert done.returncode == 0
    assert (tmp_path / "tei" / "edition.xml").read_text() == "mine"
    assert (tmp_path / "README.md").read_text() == "my readme"
    assert "kept README.md (exists; not overwritten)" in done.stdout
    assert (tmp_path / "teikit.toml").is_file()
    again = run_cli("init", cwd=tmp_path)
    assert "wrote" not in again.stdout and again.stdout.count("kept") == len(EXPECTED)
    assert not list(tmp_path.rglob("*.teikit-init"))


def test_init_into_a_file_is_a_usage_error(tmp_path):
    (tmp_path / "f").write_text("x")
    done = run_cli("init", "f", cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr


def test_the_scaffolds_ci_workflow_and_pre_commit_hook_run_teikit():
    scaffold = ROOT / "src" / "teikit" / "scaffold"
    workflow = (scaffold / "github" / "workflows" / "teikit.yml").read_text()
    assert "teikit validate --format sarif" in workflow and "teikit build" in workflow
    assert "entry: teikit validate" in (scaffold / "pre-commit-config.yaml").read_text()


@pytest.mark.tools
def test_a_wheel_installed_by_pip_in_a_fresh_venv_inits_validates_and_builds(tmp_path):
    """What a new user does: pip install teikit elsewhere, then teikit init ed && cd ed && ..."""
    wheels = tmp_path / "wheels"
    made = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--disable-pip-version-check",
                           "--wheel-dir", str(wheels), str(ROOT)],
                          capture_output=True, text=True, timeout=600)
    if made.returncode != 0:
        pytest.skip(f"cannot build the wheel and collect its dependencies here: {made.stderr[-300:]}")
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    installed = subprocess.run([str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check",
                                "--no-index", "--find-links", str(wheels), "teikit"],
                               capture_output=True, text=True, timeout=600)
    assert installed.returncode == 0, installed.stderr
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {**os.environ, "PATH": f"{env_dir / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("PYTHONPATH", None)
    script = "teikit init ed && cd ed && teikit validate && teikit build"
    done = subprocess.run(["bash", "-c", script], cwd=work, env=env, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (work / "ed" / "build" / "edition.pdf").is_file()
    assert str(ROOT) not in (work / "ed" / "build" / "edition.html").read_text(encoding="utf-8")
