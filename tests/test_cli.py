"""The command line: a thin shell with clear messages and documented exit codes."""

from __future__ import annotations

from conftest import DATA


def test_help_lists_the_commands(cli):
    result = cli("--help")
    assert result.returncode == 0
    for command in ("validate", "build", "info"):
        assert command in result.stdout


def test_each_command_has_help_with_an_example(cli):
    for command in ("validate", "build", "info"):
        result = cli(command, "--help")
        assert result.returncode == 0
        assert "Example" in result.stdout


def test_malformed_file_is_reported_compiler_style_without_traceback(cli):
    result = cli("validate", str(DATA / "malformed.xml"))
    assert result.returncode == 1
    assert "malformed.xml:2:23: error: [xml.syntax]" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_missing_file_is_a_usage_error(cli, tmp_path):
    result = cli("validate", str(tmp_path / "absent.xml"))
    assert result.returncode == 2
    assert "absent.xml: no such file or directory" in result.stderr
    assert "Traceback" not in result.stderr


def test_directory_without_xml_is_a_usage_error(cli, tmp_path):
    result = cli("validate", str(tmp_path))
    assert result.returncode == 2
    assert "no XML files found" in result.stderr


def test_text_build_of_a_minimal_document(cli, tmp_path):
    result = cli("build", str(DATA / "minimal.xml"), "-f", "txt", "-o", str(tmp_path))
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "minimal.txt").read_text(encoding="utf-8")
    assert "In Moscow on May 5, 1994, Boris Yeltsin spoke.[1]" in text
    assert "1. A note." in text


def test_info_counts_entities(cli):
    result = cli("info", "--json", str(DATA / "minimal.xml"))
    assert result.returncode == 0
    assert '"persons": 2' in result.stdout
    assert '"notes": 1' in result.stdout


def test_errors_keep_their_hint_across_worker_processes():
    import pickle

    from teikit.diagnostics import Diagnostic
    from teikit.errors import InputError

    error = InputError("x.xml: no such file", hint="check the path", diagnostic=Diagnostic("x.xml", 1, 2))
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is InputError
    assert (copy.message, copy.hint, copy.diagnostic) == (error.message, error.hint, error.diagnostic)
