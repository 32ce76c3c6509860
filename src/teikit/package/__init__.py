"""Stage 5: archival packages. A TEI edition becomes a self-verifying BagIt 1.0 bag.

An archive that receives a deposit needs to know three things without teikit:
that nothing is missing or corrupt (BagIt manifests, SHA-256 and SHA-512), what
the deposit is (Dublin Core, DataCite and METS records derived from the
teiHeader by the stylesheets in xslt/metadata/), and that the source is the
valid document its reading copies were made from (the schemas it was validated
with and the validation report travel inside the bag). Layout of a bag:

    bagit.txt  bag-info.txt  manifest-sha{256,512}.txt  tagmanifest-sha{256,512}.txt
    mets.xml                  tag file: METS describing every payload file
    data/tei/NAME.xml         the TEI source, byte for byte (and XIncluded files)
    data/schemas/             the RELAX NG and Schematron files it was validated with
    data/output/              NAME.html, NAME.pdf (PDF/A), NAME.txt (and HTML assets)
    data/reports/             validation.json (teikit.report) and validation.junit.xml
    data/metadata/            oai_dc.xml (Dublin Core), datacite.xml (DataCite 4.5)

METS is a tag file, not payload, so that it can list the checksum of every payload
file (a payload file cannot list its own); the tag manifests protect it.

Packages are reproducible: the same inputs give byte-identical files. Every date
comes from SOURCE_DATE_EPOCH or, when that is unset, from the TEI's latest
publication or revision date; files are listed in sorted order; archives have
fixed times, owners and permissions; nothing records an absolute path.

A bag is assembled in a hidden directory beside the target and renamed into
place only when complete, so a failure never leaves a half-written package.

One module per concern: `model` (layout, options, result), `schemas` (which schemas
the bag stores, and the files they include), `metadata` (bag-info fields, dates, file
roles), `manifests`, `archives` (writing .zip/.tar), `extract` (reading them back
safely), `verify`, and `assemble` (making a bag).
"""

from __future__ import annotations

from teikit.package.assemble import default_target, package, summarise
from teikit.package.extract import opened_bag
from teikit.package.manifests import payload_entries, write_tag_manifests
from teikit.package.model import InvalidEditionError, PackageOptions, PackageResult
from teikit.package.schemas import schemas_for
from teikit.package.verify import Verification, verify, verify_bag

__all__ = ["InvalidEditionError", "PackageOptions", "PackageResult", "Verification", "default_target",
           "opened_bag", "package", "payload_entries", "schemas_for", "summarise", "verify", "verify_bag",
           "write_tag_manifests"]
