"""Noark 5 v5.0 arkivuttrekk of closed logs (../shared/noark5/NOTES.md is the reference).

``structure`` writes arkivstruktur.xml and endringslogg.xml, ``addml`` fills
Riksarkivarens template for arkivuttrekk.xml, ``checks`` validates a package
against the official schemas and runs the structural checks an archive runs,
and ``package`` puts one together in a private folder and moves it into place
only when it is complete and valid.
"""

from pathlib import Path

STANDARD = Path(__file__).parent / "standard"
SCHEMAS = (
    "addml.xsd",
    "arkivstruktur.xsd",
    "metadatakatalog.xsd",
    "endringslogg.xsd",
)
TEMPLATE = STANDARD / "arkivuttrekk_v5_0_mal.xml"
