"""arkivuttrekk.xml: Riksarkivarens template filled in, its element order kept.

Arkade reads several values by position (NOTES.md §7), so the template is
parsed and its placeholders replaced in place; nothing is reordered. The
journals' data objects are removed, since a package of arkivnotater has no
journalposter (NOTES.md §6).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from lxml import etree

from app.archive.noark5 import TEMPLATE
from app.archive.noark5.structure import xml_text

NS = "http://www.arkivverket.no/standarder/addml"
_N = {"a": NS}


@dataclass(frozen=True)
class PackageFacts:
    """Everything arkivuttrekk.xml states about the package."""

    creator: str
    system_name: str
    archive: str
    start: date
    end: date
    shielded: bool
    discarded: bool
    to_be_discarded: bool
    document_files: int
    checksums: dict[str, str]  # file name → SHA-256 (XML and XSD files)
    folders: int
    registrations: int
    changes: int


def arkivuttrekk(facts: PackageFacts) -> bytes:
    """The filled-in template."""
    tree = etree.parse(str(TEMPLATE), etree.XMLParser(remove_blank_text=False))
    root = tree.getroot()
    _value(root, "//a:additionalElement[@name='recordCreator']", facts.creator)
    _value(root, "//a:additionalElement[@name='systemType']", "Fagsystem (Noark 5-uttrekk)")
    _value(root, "//a:additionalElement[@name='systemName']", facts.system_name)
    _value(root, "//a:additionalElement[@name='archive']", facts.archive)
    _value(root, "//a:property[@name='startDate']", facts.start.isoformat())
    _value(root, "//a:property[@name='endDate']", facts.end.isoformat())
    _value(root, "//a:property[@name='inngaaendeSkille']", "skarpt")
    _value(root, "//a:property[@name='utgaaendeSkille']", "skarpt")
    _value(root, "//a:property[@name='inneholderSkjermetInformasjon']", _bool(facts.shielded))
    _value(root, "//a:property[@name='omfatterDokumenterSomErKassert']", _bool(facts.discarded))
    _value(
        root,
        "//a:property[@name='inneholderDokumenterSomSkalKasseres']",
        _bool(facts.to_be_discarded),
    )
    _value(root, "//a:property[@name='inneholderVirksomhetsspesifikkeMetadata']", "false")
    _value(root, "//a:property[@name='antallDokumentfiler']", str(facts.document_files))
    for journal in ("loependeJournal", "offentligJournal"):
        for data_object in root.xpath(f"//a:dataObject[@name='{journal}']", namespaces=_N):
            data_object.getparent().remove(data_object)
    # Every file property: fill in the checksum of the file it names.
    for file_property in root.xpath("//a:property[@name='file']", namespaces=_N):
        name = file_property.xpath("a:properties/a:property[@name='name']/a:value", namespaces=_N)
        checksum = file_property.xpath(
            "a:properties/a:property[@name='checksum']//a:property[@name='value']/a:value",
            namespaces=_N,
        )
        if name and checksum:
            checksum[0].text = facts.checksums[name[0].text]
    counts = {"mappe": facts.folders, "registrering": facts.registrations, "endring": facts.changes}
    for occurrence in root.xpath("//a:property[@name='numberOfOccurrences']", namespaces=_N):
        what = occurrence.xpath("a:value", namespaces=_N)[0].text
        value = occurrence.xpath("a:properties/a:property[@name='value']/a:value", namespaces=_N)
        value[0].text = str(counts[what])
    data = etree.tostring(tree, xml_declaration=True, encoding="utf-8")
    return bytes(data)


def _value(root: etree._Element, path: str, text: str) -> None:
    found = root.xpath(f"{path}/a:value", namespaces=_N)
    if len(found) != 1:
        raise ValueError(f"the template has {len(found)} places for {path}")
    found[0].text = xml_text(text)


def _bool(value: bool) -> str:
    return "true" if value else "false"
