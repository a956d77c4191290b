"""Is a package one an archive accepts? The schemas, then the checks Arkade runs.

Run on every package before it is offered (an invalid package is never
offered) and by the tests. Arkade itself cannot run here (NOTES.md §8); these
re-implement the checks that fail a deposit: schema validity (which also
catches elements out of order), the official schemas byte-exact, every file
listed in arkivuttrekk.xml present with its checksum, the counts, the
booleans agreeing with the content, every document file referenced exactly
once with its checksum, size and format, unique systemIDs, change-log
references that resolve, and no empty elements.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from functools import cache
from pathlib import Path

from lxml import etree

from app.archive.noark5 import SCHEMAS, STANDARD

NS = {
    "n5": "http://www.arkivverket.no/standarder/noark5/arkivstruktur",
    "e": "http://www.arkivverket.no/standarder/noark5/endringslogg",
    "a": "http://www.arkivverket.no/standarder/addml",
}
XML_FILES = {
    "arkivuttrekk.xml": "addml.xsd",
    "arkivstruktur.xml": "arkivstruktur.xsd",
    "endringslogg.xml": "endringslogg.xsd",
}
DOCUMENTS = "DOKUMENT"


@cache
def _schema(name: str) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(STANDARD / name)))


def sha256_of(path: Path) -> str:
    """Hex SHA-256 of a file, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_package(folder: Path) -> list[str]:
    """Every problem found in the package at ``folder`` (empty when it is fine)."""
    problems: list[str] = []
    for name in SCHEMAS:
        if not (folder / name).is_file():
            problems.append(f"{name} is missing")
        elif (folder / name).read_bytes() != (STANDARD / name).read_bytes():
            problems.append(f"{name} is not the official schema byte for byte")
    trees = {}
    for name, schema in XML_FILES.items():
        path = folder / name
        if not path.is_file():
            problems.append(f"{name} is missing")
            continue
        try:
            tree = etree.parse(str(path))
        except etree.XMLSyntaxError as exc:
            problems.append(f"{name} is not well-formed XML: {exc}")
            continue
        validator = _schema(schema)
        if not validator.validate(tree):
            problems += [f"{name} line {e.line}: {e.message}" for e in validator.error_log][:20]
        trees[name] = tree
        empty = [
            e
            for e in tree.iter()
            if isinstance(e.tag, str) and len(e) == 0 and not (e.text or "").strip()
        ]
        if empty and name != "arkivuttrekk.xml":
            problems.append(f"{name}: {len(empty)} empty element(s), e.g. {empty[0].tag}")
    if len(trees) == len(XML_FILES):
        problems += _check_listing(folder, trees)
        problems += _check_documents(folder, trees["arkivstruktur.xml"])
        problems += _check_identifiers(trees["arkivstruktur.xml"], trees["endringslogg.xml"])
    return problems


def _check_listing(folder: Path, trees: dict[str, etree._ElementTree]) -> list[str]:
    """arkivuttrekk.xml against the package: files, checksums, counts, booleans."""
    problems = []
    addml = trees["arkivuttrekk.xml"].getroot()
    structure = trees["arkivstruktur.xml"].getroot()
    for file_property in addml.xpath("//a:property[@name='file']", namespaces=NS):
        name = file_property.xpath(
            "a:properties/a:property[@name='name']/a:value/text()", namespaces=NS
        )
        if not name:
            continue
        path = folder / name[0]
        if not path.is_file():
            problems.append(f"arkivuttrekk.xml lists {name[0]}, which is missing")
            continue
        algorithm = file_property.xpath(
            "a:properties/a:property[@name='checksum']//a:property[@name='algorithm']"
            "/a:value/text()",
            namespaces=NS,
        )
        value = file_property.xpath(
            "a:properties/a:property[@name='checksum']//a:property[@name='value']/a:value/text()",
            namespaces=NS,
        )
        if value:
            if algorithm != ["SHA-256"]:
                problems.append(f"arkivuttrekk.xml: checksum of {name[0]} is not SHA-256")
            if value[0].lower() != sha256_of(path):
                problems.append(f"arkivuttrekk.xml: wrong checksum for {name[0]}")
    listed = {
        "mappe": len(structure.xpath("//n5:mappe", namespaces=NS)),
        "registrering": len(structure.xpath("//n5:registrering", namespaces=NS)),
        "endring": len(trees["endringslogg.xml"].getroot().xpath("//e:endring", namespaces=NS)),
    }
    for occurrence in addml.xpath("//a:property[@name='numberOfOccurrences']", namespaces=NS):
        what = occurrence.xpath("a:value/text()", namespaces=NS)[0]
        value = occurrence.xpath(
            "a:properties/a:property[@name='value']/a:value/text()", namespaces=NS
        )
        if what in listed and value != [str(listed[what])]:
            problems.append(
                f"arkivuttrekk.xml counts {value} {what}, the package has {listed[what]}"
            )
    files = _document_files(folder)
    stated = addml.xpath("//a:property[@name='antallDokumentfiler']/a:value/text()", namespaces=NS)
    if stated != [str(len(files))]:
        problems.append(
            f"arkivuttrekk.xml states {stated} document files, {DOCUMENTS}/ has {len(files)}"
        )
    flags = {
        "inneholderSkjermetInformasjon": "//n5:skjerming",
        "inneholderDokumenterSomSkalKasseres": "//n5:kassasjon",
        "omfatterDokumenterSomErKassert": "//n5:utfoertKassasjon",
    }
    for flag, path in flags.items():
        value = addml.xpath(f"//a:property[@name='{flag}']/a:value/text()", namespaces=NS)
        present = bool(structure.xpath(path, namespaces=NS))
        if value != ["true" if present else "false"]:
            problems.append(f"arkivuttrekk.xml: {flag} is {value}, the content says {present}")
    return problems


def _check_documents(folder: Path, tree: etree._ElementTree) -> list[str]:
    """Each dokumentobjekt's file: present, its checksum, size and format; none left over."""
    problems = []
    referenced: Counter[str] = Counter()
    for obj in tree.getroot().xpath("//n5:dokumentobjekt", namespaces=NS):

        def text(name: str, obj: etree._Element = obj) -> str:
            found = obj.xpath(f"n5:{name}/text()", namespaces=NS)
            return str(found[0]) if found else ""

        reference = text("referanseDokumentfil")
        referenced[reference] += 1
        path = folder / reference
        if "\\" in reference or not reference.startswith(f"{DOCUMENTS}/"):
            problems.append(f"{reference}: not a path under {DOCUMENTS}/ with forward slashes")
            continue
        if not path.is_file():
            problems.append(f"{reference} is referenced but missing")
            continue
        if text("sjekksum").lower() != sha256_of(path):
            problems.append(f"{reference}: sjekksum does not match the file")
        if text("filstoerrelse") != str(path.stat().st_size) or path.stat().st_size == 0:
            problems.append(f"{reference}: filstoerrelse does not match the file")
        if f".{text('format').lower()}" != path.suffix:
            problems.append(f"{reference}: format {text('format')} does not match the file")
    for reference, count in referenced.items():
        if count > 1:
            problems.append(f"{reference} is referenced by {count} document objects")
    for name in _document_files(folder):
        if name not in referenced:
            problems.append(f"{name} is in the package but no document object references it")
    return problems


def _check_identifiers(structure: etree._ElementTree, changes: etree._ElementTree) -> list[str]:
    problems = []
    ids = structure.getroot().xpath("//n5:systemID/text()", namespaces=NS)
    doubles = [i for i, n in Counter(ids).items() if n > 1]
    if doubles:
        problems.append(f"systemID used more than once: {doubles[:3]}")
    known = set(ids)
    for reference in changes.getroot().xpath("//e:referanseArkivenhet/text()", namespaces=NS):
        if reference not in known:
            problems.append(f"endringslogg.xml refers to {reference}, not in arkivstruktur.xml")
    return problems


def _document_files(folder: Path) -> list[str]:
    root = folder / DOCUMENTS
    if not root.is_dir():
        return []
    return sorted(p.relative_to(folder).as_posix() for p in root.rglob("*") if p.is_file())
