"""Choosing part of a corpus: --shard I/N, --changed-since GIT_REF and --include/--exclude globs."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path, PurePosixPath

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import DATA, run_cli
from teikit.errors import InputError
from teikit.inputs import discover, matches
from teikit.selection import assign_shards, parse_shard, select_changed, select_shard

# --------------------------------------------------------------------------- shards

sizes = st.dictionaries(st.text("abcdefgh/._", min_size=1, max_size=12), st.integers(0, 10_000),
                        max_size=40).map(lambda d: sorted(d.items()))


@settings(max_examples=200, deadline=None)
@given(items=sizes, count=st.integers(1, 9))
def test_shards_are_disjoint_and_cover_everything(items, count):
    shard_of = assign_shards(items, count)
    assert len(shard_of) == len(items)
    assert all(0 <= s < count for s in shard_of)
    shards = [[name for (name, _), s in zip(items, shard_of, strict=True) if s == i] for i in range(count)]
    assert sorted(name for shard in shards for name in shard) == sorted(name for name, _ in items)


@settings(max_examples=200, deadline=None)
@given(items=sizes, count=st.integers(1, 9))
def test_no_shard_carries_more_than_the_lightest_one_plus_one_file(items, count):
    shard_of = assign_shards(items, count)
    loads = [0] * count
    for (_, size), s in zip(items, shard_of, strict=True):
        loads[s] += size
    biggest = max((size for _, size in items), default=0)
    assert max(loads) - min(loads) <= biggest


@settings(max_examples=100, deadline=None)
@given(items=sizes, count=st.integers(1, 6), data=st.data())
def test_the_split_does_not_depend_on_the_order_files_are_listed_in(items, count, data):
    shuffled = data.draw(st.permutations(items))
    first = dict(zip((n for n, _ in items), assign_shards(items, count), strict=True))
    second = dict(zip((n for n, _ in shuffled), assign_shards(shuffled, count), strict=True))
    assert first == second


def test_every_small_case_is_covered_exactly_once(tmp_path):
    paths = []
    for i in range(7):
        path = tmp_path / f"doc{i}.xml"
        path.write_bytes(b"x" * (i * 37 % 11 + 1))
        paths.append(path)
    for count in range(1, 9):
        shards = [select_shard(paths, i, count) for i in range(1, count + 1)]
        flat = [p for shard in shards for p in shard]
        assert sorted(flat) == sorted(paths) and len(flat) == len(paths)
        for shard in shards:
            assert shard == [p for p in paths if p in shard]  # original (sorted) order kept


@pytest.mark.parametrize("text, expected", [("1/1", (1, 1)), ("2/5", (2, 5)), (" 3 / 3 ", (3, 3))])
def test_shard_notation(text, expected):
    assert parse_shard(text) == expected


@pytest.mark.parametrize("text", ["0/3", "4/3", "1/0", "1", "a/b", "-1/2", ""])
def test_bad_shard_notation_is_a_usage_error(text):
    with pytest.raises(InputError):
        parse_shard(text)


def test_cli_shards_of_a_directory_build_each_file_exactly_once(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("a", "b", "c", "d", "e"):
        shutil.copy(DATA / "minimal.xml", corpus / f"{name}.xml")
    built = []
    for i in (1, 2, 3):
        result = run_cli("build", str(corpus), "-f", "txt", "-o", str(tmp_path / f"out{i}"), "--shard",
                         f"{i}/3", "--no-cache", "-j", "1")
        assert result.returncode == 0, result.stderr
        built += [Path(line.split()[-1]).name for line in result.stdout.splitlines()
                  if line.startswith("wrote")]
    assert sorted(built) == ["a.txt", "b.txt", "c.txt", "d.txt", "e.txt"]


def test_cli_rejects_a_bad_shard_with_a_usage_error():
    result = run_cli("validate", str(DATA / "minimal.xml"), "--shard", "4/3")
    assert result.returncode == 2
    assert "--shard" in result.stderr and "Traceback" not in result.stderr


# --------------------------------------------------------------------------- --changed-since


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    repo = tmp_path / "repo"
    (repo / "tei").mkdir(parents=True)
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.email", "test@example.org")
    git(repo, "config", "user.name", "Test")
    for name in ("a", "b", "c"):
        shutil.copy(DATA / "minimal.xml", repo / "tei" / f"{name}.xml")
    shutil.copy(DATA / "scale" / "chapter.xml", repo / "tei" / "chapter.xml")
    shutil.copytree(DATA / "scale" / "parts", repo / "tei" / "parts")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "start")
    git(repo, "tag", "start")
    return repo


def names(paths: list[Path]) -> list[str]:
    return [p.name for p in paths]


def test_changed_since_takes_committed_staged_unstaged_and_untracked_files(repo):
    tei = repo / "tei"
    assert select_changed(discover([tei]), "start") == []
    (tei / "a.xml").write_text((tei / "a.xml").read_text() + "\n")
    git(repo, "commit", "-q", "-am", "edit a")
    (tei / "b.xml").write_text((tei / "b.xml").read_text() + "\n")
    git(repo, "add", "tei/b.xml")
    (tei / "c.xml").write_text((tei / "c.xml").read_text() + "\n")
    shutil.copy(DATA / "minimal.xml", tei / "new.xml")
    assert names(select_changed(discover([tei]), "start")) == ["a.xml", "b.xml", "c.xml", "new.xml"]
    assert names(select_changed(discover([tei]), "HEAD")) == ["b.xml", "c.xml", "new.xml"]


def test_changed_since_ignores_files_gitignore_excludes(repo):
    (repo / ".gitignore").write_text("scratch/\n")
    (repo / "tei" / "scratch").mkdir()
    shutil.copy(DATA / "minimal.xml", repo / "tei" / "scratch" / "tmp.xml")
    assert names(select_changed(discover([repo / "tei"]), "start")) == []


def test_changed_since_takes_a_document_whose_xincluded_file_changed(repo):
    part = repo / "tei" / "parts" / "section.inc"
    part.write_text(part.read_text().replace("separate file", "separate, edited file"))
    assert names(select_changed(discover([repo / "tei"]), "start")) == ["chapter.xml"]


def test_changed_since_measures_from_the_merge_base_of_a_branch(repo):
    git(repo, "checkout", "-q", "-b", "topic")
    (repo / "tei" / "a.xml").write_text((repo / "tei" / "a.xml").read_text() + "\n")
    git(repo, "commit", "-q", "-am", "edit a on topic")
    git(repo, "checkout", "-q", "main")
    (repo / "tei" / "b.xml").write_text((repo / "tei" / "b.xml").read_text() + "\n")
    git(repo, "commit", "-q", "-am", "edit b on main")
    git(repo, "checkout", "-q", "topic")
    # b.xml changed on main after topic branched off: not this branch's change.
    assert names(select_changed(discover([repo / "tei"]), "main")) == ["a.xml"]


def test_changed_since_an_unknown_revision_is_a_clear_error(repo):
    with pytest.raises(InputError, match="unknown git revision") as caught:
        select_changed(discover([repo / "tei"]), "no-such-branch")
    assert "fetch-depth" in caught.value.hint


def test_changed_since_outside_a_git_repository_is_a_clear_error(tmp_path):
    shutil.copy(DATA / "minimal.xml", tmp_path / "a.xml")
    with pytest.raises(InputError, match="not inside a git repository"):
        select_changed([tmp_path / "a.xml"], "HEAD")


def test_cli_validates_only_changed_files(repo):
    tei = repo / "tei"
    (tei / "b.xml").write_bytes((tei / "b.xml").read_bytes().replace(b"<head>", b"<head>", 1) + b"<oops")
    result = run_cli("validate", "tei", "--changed-since", "start", "--format", "json", "-j", "1", cwd=repo)
    assert result.returncode == 1
    assert "b.xml" in result.stdout and "a.xml" not in result.stdout
    bad = run_cli("validate", "tei", "--changed-since", "nope", cwd=repo)
    assert bad.returncode == 2
    assert "unknown git revision" in bad.stderr and "Traceback" not in bad.stderr


# --------------------------------------------------------------------------- --include / --exclude


@pytest.mark.parametrize("pattern, path, expected", [
    ("*.xml", "a/b/c.xml", True),            # no slash: the file name at any depth
    ("drafts", "drafts/x.xml", True),        # no slash: a folder name on the way
    ("drafts", "final/x.xml", False),
    ("plays/*.xml", "plays/a.xml", True),    # with a slash: relative to the searched directory
    ("plays/*.xml", "plays/act/a.xml", False),  # * does not cross /
    ("plays/**/*.xml", "plays/a.xml", True),    # ** matches no folder too
    ("plays/**/*.xml", "plays/act/scene/a.xml", True),
    ("**/act/*.xml", "plays/act/a.xml", True),
    ("**/act/*.xml", "act/a.xml", True),
    ("plays/", "plays/act/a.xml", True),        # trailing slash: everything inside
    ("act/", "plays/act/a.xml", True),          # ... of a folder of that name at any depth
    ("a.xml/", "plays/act/a.xml", False),       # ... and only folders
    ("./plays/*.xml", "plays/a.xml", True),
    ("ENG18[4-5]?_*", "ENG1840_Trollope.xml", True),
    ("ENG18[!4]?_*", "ENG1840_Trollope.xml", False),
])
def test_glob_patterns(pattern, path, expected):
    assert matches(PurePosixPath(path), [pattern]) is expected


def test_globs_apply_relative_to_the_directory_or_as_typed(tmp_path, monkeypatch):
    corpus = tmp_path / "corpus"
    for rel in ("plays/a.xml", "plays/drafts/b.xml", "novels/c.xml", ".hidden/d.xml"):
        (corpus / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(DATA / "minimal.xml", corpus / rel)
    monkeypatch.chdir(tmp_path)
    rel = [p.relative_to("corpus").as_posix() for p in discover(["corpus"])]
    assert rel == ["novels/c.xml", "plays/a.xml", "plays/drafts/b.xml"]
    found = discover(["corpus"], include=["plays/**"], exclude=["drafts"])
    assert [p.relative_to("corpus").as_posix() for p in found] == ["plays/a.xml"]
    typed = discover(["corpus"], include=["corpus/novels/*.xml"])
    assert [p.relative_to("corpus").as_posix() for p in typed] == ["novels/c.xml"]
    with pytest.raises(InputError, match="no XML files"):
        discover(["corpus"], include=["*.tei"])
