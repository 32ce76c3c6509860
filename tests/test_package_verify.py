"""`teikit package --verify` on bags and archives from anywhere: bounded, honest, never a crash.

A bag handed to `--verify` may have been made by an attacker. The rules proven here:
extraction is bounded (members, sizes, ratio, names, depth) and says which limit was hit,
before anything large is written, leaving nothing behind; damaged or unsupported archives
and hostile METS files are clear errors with a documented code (2 for an archive that
cannot be opened, 1 for a bag that fails a check), never exit 3; the summary line claims
only what was checked; `teikit package` refuses names it could not verify afterwards.
"""

from __future__ import annotations

import gzip
import io
import os
import shutil
import struct
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from conftest import DATA
from teikit.errors import InputError
from teikit.package import PackageOptions, package, verify, verify_bag, write_tag_manifests
from teikit.package.extract import ArchiveLimits, opened_bag

PKG = DATA / "package"
OPTIONS = dict(schemas=(PKG / "strict.rng",), schematron=(PKG / "rules.sch",), formats=("txt",))


def teikit(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "teikit", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300, env={**os.environ, **(env or {})})


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("made") / "article-bag"
    package(PKG / "article.xml", target, PackageOptions(**OPTIONS))
    return target


@pytest.fixture
def bag(made, tmp_path) -> Path:
    """A private copy of a good bag, free to damage."""
    copy = tmp_path / "article-bag"
    shutil.copytree(made, copy)
    return copy


def zip_of(path: Path, members: list[tuple[str, bytes]], method: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", method) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return path


# --------------------------------------------------------------------------- F7: bounded extraction


def test_a_zip_bomb_is_refused_from_its_ratio_before_it_is_written(tmp_path):
    bomb = zip_of(tmp_path / "bomb.zip", [("bomb/data/zeros", bytes(64 << 20))])
    assert bomb.stat().st_size < 200_000
    done = teikit("package", "--verify", str(bomb), cwd=tmp_path, env={"TMPDIR": str(tmp_path)})
    assert done.returncode == 2
    assert "expands 1,0" in done.stderr and "over the limit of 200 times" in done.stderr
    assert not list(tmp_path.glob("teikit-verify-*"))


def test_members_are_streamed_and_bounded_by_size(tmp_path):
    big = zip_of(tmp_path / "big.zip", [("b/f", os.urandom(3 << 20))], zipfile.ZIP_STORED)
    with pytest.raises(InputError, match=r"3,145,728 bytes, over the limit of 1,048,576 per member"), \
            opened_bag(big, ArchiveLimits(max_member_bytes=1 << 20)):
        pass


def test_too_many_members_are_refused(tmp_path):
    many = zip_of(tmp_path / "many.zip", [(f"b/{i}", b"") for i in range(101)])
    with pytest.raises(InputError, match="101 members, over the limit of 100"), \
            opened_bag(many, ArchiveLimits(max_members=100)):
        pass


def test_gzip_data_named_tar_is_not_taken_for_a_tar(made, tmp_path):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        archive.add(made, arcname="article-bag")
    (tmp_path / "bag.tar").write_bytes(gzip.compress(buffer.getvalue()))
    done = teikit("package", "--verify", "bag.tar", cwd=tmp_path)
    assert done.returncode == 2
    assert "not a bag directory, zip or uncompressed tar archive" in done.stderr


def test_a_huge_tar_member_is_refused_from_its_header(tmp_path):
    info = tarfile.TarInfo("b/huge")
    info.size = 8 << 30  # 8 GiB declared; the data is never read
    (tmp_path / "huge.tar").write_bytes(info.tobuf(tarfile.GNU_FORMAT) + bytes(4096))
    done = teikit("package", "--verify", "huge.tar", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "8,589,934,592 bytes, over the limit of 1,073,741,824 per member" in done.stderr


# --------------------------------------------------------------------------- F8: damaged archives, exit 2


def _patched_method(path: Path, method: int) -> None:
    data = bytearray(path.read_bytes())
    local = data.find(b"PK\x03\x04")
    central = data.find(b"PK\x01\x02")
    struct.pack_into("<H", data, local + 8, method)
    struct.pack_into("<H", data, central + 10, method)
    path.write_bytes(bytes(data))


def _crc_broken(path: Path) -> None:
    data = bytearray(path.read_bytes())
    at = data.find(b"CONTENT")
    data[at] ^= 0xFF
    path.write_bytes(bytes(data))


def _encrypted(path: Path) -> None:
    data = bytearray(path.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        at = data.find(signature)
        struct.pack_into("<H", data, at + offset, struct.unpack_from("<H", data, at + offset)[0] | 1)
    path.write_bytes(bytes(data))


@pytest.mark.filterwarnings("ignore:Duplicate name")  # zipfile warns while the test writes the clash
@pytest.mark.parametrize(("case", "members", "damage", "expected"), [
    ("crc", [("b/f.txt", b"CONTENT" * 10)], _crc_broken, "damaged zip archive"),
    ("encrypted", [("b/f.txt", b"CONTENT")], _encrypted, "is encrypted"),
    ("method", [("b/f.txt", b"CONTENT")], lambda p: _patched_method(p, 99), "compression method 99"),
    ("clash", [("b/f.txt", b"1"), ("b/f.txt", b"2")], None, "two members are named 'b/f.txt'"),
    ("file-then-folder", [("b/f", b"1"), ("b/f/g", b"2")], None, "lies inside 'b/f', which is a file"),
    ("long-name", [("b/" + "n" * 300, b"1")], None, "name longer than 255 bytes"),
    ("deep", [("d/" * 3000 + "f", b"1")], None, "not extracted"),
    ("absolute", [("/etc/x", b"1")], None, "unsafe member name"),
])
def test_damaged_or_hostile_zips_are_clear_errors(tmp_path, case, members, damage, expected):
    path = zip_of(tmp_path / f"{case}.zip", members, zipfile.ZIP_STORED)
    if damage:
        damage(path)
    done = teikit("package", "--verify", path.name, cwd=tmp_path, env={"TMPDIR": str(tmp_path)})
    assert done.returncode == 2, done.stderr
    assert expected in done.stderr and "internal error" not in done.stderr
    assert not list(tmp_path.glob("teikit-verify-*"))


def test_a_truncated_tar_is_a_clear_error(made, tmp_path):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as archive:
        archive.add(made, arcname="article-bag")
    data = buffer.getvalue()
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        largest = max(archive.getmembers(), key=lambda m: m.size)
    (tmp_path / "cut.tar").write_bytes(data[: largest.offset_data + largest.size // 2])  # inside its data
    done = teikit("package", "--verify", "cut.tar", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "damaged or truncated tar archive" in done.stderr


@pytest.mark.parametrize(("name", "mets"), [
    ("malformed", b"<mets"),
    ("bomb", b'<!DOCTYPE m [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
             b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">'
             b'<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">'
             b'<!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;"><!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">]>'
             b"<m>&h;&h;&h;&h;&h;&h;&h;&h;</m>"),
    ("external", b'<!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]><m>&x;</m>'),
])
def test_a_hostile_mets_file_is_a_finding_not_a_crash(bag, name, mets):
    (bag / "mets.xml").write_bytes(mets)
    write_tag_manifests(bag)  # as an attacker would, so that only the METS check can object
    found = verify(bag)
    assert [(d.rule, d.file.endswith("mets.xml")) for d in found] == [("bag.mets", True)]
    assert "the METS file cannot be read" in found[0].message


# --------------------------------------------------------------------------- F10, F8: names


@pytest.mark.parametrize("name", ["a\tb.xml", "a%0Ab.xml", "a\nb.xml"])
def test_package_refuses_a_name_its_own_verify_could_not_read(tmp_path, name):
    shutil.copy(PKG / "article.xml", tmp_path / name)
    done = teikit("package", name, "-o", "bag", "--schema", str(PKG / "strict.rng"),
                  "--schematron", str(PKG / "rules.sch"), cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert "cannot record unambiguously; not packaged" in done.stderr
    assert not (tmp_path / "bag").exists()


# --------------------------------------------------------------------------- F11: honest messages


def test_a_bag_made_with_allow_invalid_is_not_called_valid(tmp_path):
    package(PKG / "invalid.xml", tmp_path / "bag", PackageOptions(**OPTIONS, allow_invalid=True))
    done = teikit("package", "--verify", "bag", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    last = done.stdout.strip().splitlines()[-1]
    assert "TEI valid" not in last and "TEI NOT valid: packaged with --allow-invalid" in last


def test_an_intact_bag_says_which_manifests_were_checked(bag):
    result = verify_bag(bag)
    assert result.intact
    assert result.summary("bag") == ("bag: bag complete, checksums match (manifest-sha256, manifest-sha512, "
                                     "tagmanifest-sha256, tagmanifest-sha512), TEI valid against its schemas")


def test_deleted_manifests_are_not_a_complete_bag(bag, tmp_path):
    for name in ("manifest-sha512.txt", "tagmanifest-sha256.txt", "tagmanifest-sha512.txt"):
        (bag / name).unlink()
    done = teikit("package", "--verify", str(bag), cwd=tmp_path)
    assert done.returncode == 1
    assert "bag complete" not in done.stdout + done.stderr
    for name in ("manifest-sha512.txt", "tagmanifest-sha256.txt", "tagmanifest-sha512.txt"):
        assert f"{name}: error: [bag.manifest-missing]" in done.stderr


def test_tei_file_pointing_outside_the_bag_is_refused(bag, tmp_path):
    outside = tmp_path / "other.xml"
    shutil.copy(PKG / "article.xml", outside)
    info = (bag / "bag-info.txt").read_text(encoding="utf-8")
    info = "\n".join("TEI-File: ../other.xml" if line.startswith("TEI-File:") else line
                     for line in info.splitlines()) + "\n"
    (bag / "bag-info.txt").write_text(info, encoding="utf-8")
    write_tag_manifests(bag)
    found = verify(bag)
    assert [(d.rule, d.file.endswith("bag-info.txt")) for d in found] == [("bag.tei", True)]
    assert "is not a payload file under data/tei/; not validated" in found[0].message


def test_a_deleted_file_is_missing_not_modified(bag):
    (bag / "data" / "tei" / "article.xml").unlink()
    found = verify(bag)
    tei = [d for d in found if d.file.endswith("data/tei/article.xml")]
    assert [d.rule for d in tei] == ["bag.missing"]
