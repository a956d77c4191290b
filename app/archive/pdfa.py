"""HTML to PDF/A-2b with WeasyPrint, the archive's one document format.

Why PDF/A-2b: it is an approved archive format without reservation
(Riksarkivarens forskrift § 5-17), while PDF/A-3 needs the depot's approval
(../shared/noark5/NOTES.md §4, §10). Every file is self-contained: fonts are
embedded (DejaVu, from Debian's fonts-dejavu-core), nothing is fetched from
outside (the only resources allowed are ``data:`` URIs the archive put there
itself), no encryption, no JavaScript. The XMP carries the title, the
language and the creation date; the PDF is tagged where WeasyPrint can.

The output is deterministic: the same HTML, date and identifier give the same
bytes, so two exports of a log give the same checksums.
"""

from __future__ import annotations

import warnings
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime

import weasyprint
from PIL import ImageFile
from weasyprint.pdf.metadata import DocumentMetadata
from weasyprint.urls import URLFetcher

from app.archive.text import xml_safe

# Importing WeasyPrint sets Pillow's process-wide LOAD_TRUNCATED_IMAGES to True
# (weasyprint/images.py). The upload checks in app/media rely on it being False
# to refuse truncated images, and the archive only renders images those checks
# (or pdftoppm) produced, so it is set back here, once, at import.
ImageFile.LOAD_TRUNCATED_IMAGES = False

TOOL = f"WeasyPrint {weasyprint.__version__}"
FORMAT_DETAILS = "PDF/A-2b (PRONOM fmt/477)"
_SEPARATORS = str.maketrans({"\u2028": "\n", "\u2029": "\n"})
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_DC = "http://purl.org/dc/elements/1.1/"

BASE_CSS = """
@page { size: A4; margin: 20mm 18mm 22mm 18mm;
        @bottom-right { content: "Side " counter(page) " av " counter(pages);
                        font-size: 8.5pt; color: #444; } }
html { font-family: "DejaVu Sans", sans-serif; font-size: 10.5pt; line-height: 1.45;
       color: #111; }
h1 { font-size: 17pt; margin: 0 0 4pt 0; }
h2 { font-size: 13pt; margin: 16pt 0 4pt 0; border-bottom: 0.6pt solid #888; }
h3 { font-size: 11.5pt; margin: 10pt 0 2pt 0; }
h4, h5, h6 { font-size: 10.5pt; margin: 8pt 0 2pt 0; }
p { margin: 0 0 6pt 0; }
.meta { color: #333; font-size: 9.5pt; margin-bottom: 10pt; }
dl { margin: 0 0 8pt 0; }
dt { font-weight: bold; margin-top: 4pt; }
dd { margin: 0 0 0 12pt; }
table { border-collapse: collapse; width: 100%; margin: 4pt 0 8pt 0; }
th, td { border: 0.5pt solid #999; padding: 3pt 5pt; text-align: left; vertical-align: top; }
pre, code { font-family: "DejaVu Sans Mono", monospace; font-size: 9pt;
            white-space: pre-wrap; overflow-wrap: anywhere; }
.ins { background: #e6f4ea; } .del { background: #fbe9e9; }
.scan { page-break-after: always; text-align: center; }
.scan:last-child { page-break-after: auto; }
.scan img { max-width: 100%; max-height: 240mm; }
.notice { border: 0.6pt solid #666; padding: 4pt 6pt; margin: 6pt 0; }
* { overflow-wrap: anywhere; }
"""


@dataclass(frozen=True)
class PdfInfo:
    """What goes into the PDF's metadata."""

    title: str
    language: str
    created: datetime


class _ArchivalMetadata(DocumentMetadata):  # type: ignore[misc]
    """WeasyPrint's XMP plus ``dc:language``, which it leaves out."""

    def generate_rdf_metadata(self, variant: str, version: int, conformance: str) -> bytes:
        # WeasyPrint's own output, not outside input: the stdlib parser is safe here.
        own: bytes = super().generate_rdf_metadata(variant, version, conformance)
        rdf = ET.fromstring(own)  # noqa: S314
        if self.lang:
            description = ET.SubElement(rdf, f"{{{_RDF}}}Description")
            description.set(f"{{{_RDF}}}about", "")
            bag = ET.SubElement(ET.SubElement(description, f"{{{_DC}}}language"), f"{{{_RDF}}}Bag")
            ET.SubElement(bag, f"{{{_RDF}}}li").text = self.lang
        return bytes(ET.tostring(rdf, encoding="utf-8"))


def render_pdfa(body_html: str, info: PdfInfo, identifier: bytes) -> bytes:
    """A PDF/A-2b of an HTML body (already escaped and sanitized by the caller).

    ``identifier`` becomes the PDF's file identifier; give a stable one (the
    document's systemID) so the bytes are the same at every export.
    """
    # Pango's line breaking asserts on the Unicode line and paragraph separators
    # (seen with the hostile-input corpus); as text they mean a new line.
    body_html = body_html.translate(_SEPARATORS)
    info = PdfInfo(xml_safe(info.title), info.language, info.created)  # it goes into the XMP
    page = (
        f'<!DOCTYPE html><html lang="{_attr(info.language)}"><head><meta charset="utf-8">'
        f"<title>{_text(info.title)}</title>"
        f'<meta name="dcterms.created" content="{info.created.isoformat(timespec="seconds")}">'
        f'<meta name="dcterms.modified" content="{info.created.isoformat(timespec="seconds")}">'
        f"</head><body>{body_html}</body></html>"
    )
    # Only data: URIs the archive wrote itself; anything else stops the rendering.
    fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
    html = weasyprint.HTML(string=page, url_fetcher=fetcher, base_url="data:,")
    document = html.render(stylesheets=[weasyprint.CSS(string=BASE_CSS)], pdf_tags=True)
    document.metadata = _ArchivalMetadata(**vars(document.metadata))
    with warnings.catch_warnings():
        # WeasyPrint opens its sRGB profile for the output intent and never closes it
        # (weasyprint/pdf/__init__.py, 70.0); the file is read in full, so only the
        # warning is lost.
        warnings.simplefilter("ignore", ResourceWarning)
        pdf = document.write_pdf(pdf_variant="pdf/a-2b", pdf_identifier=identifier, pdf_tags=True)
    assert isinstance(pdf, bytes)
    return pdf


def _text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attr(value: str) -> str:
    return _text(value).replace('"', "&quot;")
