"""Decide whether an uploaded document may be stored in a log, and what exactly gets stored.

A document is a PDF, a JPEG or a PNG, and its type is read from its first bytes, never from the
file name or the browser's content type: both come from the client. Everything else (SVG, HTML,
XML, Office files, executables, archives) is refused, because a log is read by many people and
any of these can run code or hide content from the eye.

Images are decoded and only their pixels are stored, re-encoded in their own format (a PNG scan
stays lossless) and upright, but not shrunk: a scanned page must stay readable. EXIF with GPS,
ICC profiles, XMP, text chunks, comments and trailing bytes are all gone.

PDFs are stored as the original bytes. Re-saving them would break digital signatures on signed
decisions and consents, which a log must keep verifiable. That is safe only because the checks
see what any reader sees: qpdf must parse the file without repairing it (repair is where readers
disagree), every object is walked, referenced or not, and the raw bytes are searched as well,
so objects an incremental update has replaced cannot hide an action either.

A file that is one of our types and also another (markup, a PDF header, a ZIP directory) is a
polyglot and refused: no scanner or camera writes one, so it was made to get past a check.
"""

from __future__ import annotations

import io
import re
import unicodedata
import warnings
from dataclasses import dataclass

import pikepdf
from PIL import Image, ImageOps, UnidentifiedImageError

# What Pillow raises on broken input and on decompression bombs; photos meet the same decoders.
from app.media.photo import _BOMB, _BROKEN

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
MAX_DOCUMENT_PIXELS = 60_000_000  # an A4 page scanned at 600 dpi is 35 MP
MAX_TITLE_CHARS = 200
_JPEG_QUALITY = 90  # higher than a photo's: small print on a scan must survive

REJECTION_CODES = (
    "empty",
    "too_big",
    "unsupported_type",  # SVG, HTML, XML, Office, executables, archives, anything else
    "polyglot",  # one of our types that is also another format
    "damaged",
    "encrypted_pdf",
    "pdf_javascript",
    "pdf_launch",
    "pdf_embedded_files",
    "pdf_active_content",  # XFA forms, RichMedia (Flash, 3D, video)
    "too_many_pixels",
)

_PDF_MAGIC = b"%PDF-"
_JPEG_MAGIC = b"\xff\xd8\xff"
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_MEDIA_TYPES = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}
# Readers and browsers look for a PDF header or for markup this far into a file.
_SNIFF_WINDOW = 1024
# Markers of formats that a browser or a PDF reader would act on, searched lowercased. In an
# image they may appear nowhere; in a PDF not in the sniff window (deeper, XMP and rich-text
# form values are legitimately XML). Each is five bytes or more, so that megabytes of
# compressed pixels do not hold one by chance (a four-byte "<svg" would, in a few percent).
_FOREIGN_MARKERS = (
    b"%pdf-",
    b"<!doctype",
    b"<html",
    b"<script",
    b"<iframe",
    b"<object",
    b"<embed",
)
# A ZIP reader finds its end-of-central-directory record within the last 64 KiB + 22 bytes.
_ZIP_END = b"PK\x05\x06"
_ZIP_TAIL = 65535 + 22
# Names of what a PDF may not carry. A name alone (in the raw bytes, or as an object of its own)
# is enough to refuse; in a dictionary, _dictionary_refusal decides by the key's role.
_PDF_NAME_CODES = {
    "JavaScript": "pdf_javascript",
    "JS": "pdf_javascript",
    "Launch": "pdf_launch",
    "EmbeddedFiles": "pdf_embedded_files",
    "EmbeddedFile": "pdf_embedded_files",
    "FileAttachment": "pdf_embedded_files",
    "EF": "pdf_embedded_files",
    "XFA": "pdf_active_content",
    "RichMediaContent": "pdf_active_content",
    "RichMedia": "pdf_active_content",
}


def _name_pattern(names: list[str]) -> re.Pattern[bytes]:
    """A PDF name token, ended by white space, a delimiter or the end of the data."""
    alternatives = b"|".join(name.encode() for name in names)
    return re.compile(rb"/(" + alternatives + rb")(?=[\s/<>\[\]()%{}]|\Z)")


_PDF_NAMES = _name_pattern(list(_PDF_NAME_CODES))
# In raw bytes, compressed streams are noise in which a two-letter /JS or /EF turns up by chance
# in a few percent of large files; a JavaScript action must also say /S /JavaScript, though.
_RAW_PDF_NAMES = _name_pattern([name for name in _PDF_NAME_CODES if len(name) > 2])


class UploadRejected(ValueError):
    """The upload may not be stored; ``code`` (one of REJECTION_CODES) says why, for the UI."""

    def __init__(self, code: str) -> None:
        if code not in REJECTION_CODES:
            raise ValueError(f"unknown rejection code {code!r}")
        super().__init__(code)
        self.code = code


@dataclass(frozen=True, slots=True)
class CleanUpload:
    """The bytes to store, with the type and extension the server names the stored file by."""

    data: bytes
    media_type: str  # "application/pdf" | "image/jpeg" | "image/png"
    extension: str  # "pdf" | "jpg" | "png"


def check_upload(data: bytes, max_bytes: int = MAX_DOCUMENT_BYTES) -> CleanUpload:
    """Return what may be stored for an uploaded document, or raise UploadRejected."""
    if not data:
        raise UploadRejected("empty")
    if len(data) > max_bytes:
        raise UploadRejected("too_big")
    extension = _sniff(data)
    if extension == "pdf":
        _check_pdf(data)
        return CleanUpload(data, _MEDIA_TYPES["pdf"], "pdf")
    return CleanUpload(_clean_image(data, extension), _MEDIA_TYPES[extension], extension)


def _sniff(data: bytes) -> str:
    if data.startswith(_PDF_MAGIC):
        searched = data[len(_PDF_MAGIC) : _SNIFF_WINDOW]
    elif data.startswith((_JPEG_MAGIC, _PNG_MAGIC)):
        searched = data
    elif _PDF_MAGIC in data[:_SNIFF_WINDOW]:
        raise UploadRejected("polyglot")  # a reader would still open it as a PDF
    else:
        raise UploadRejected("unsupported_type")
    lowered = searched.lower()
    if any(marker in lowered for marker in _FOREIGN_MARKERS) or _ZIP_END in data[-_ZIP_TAIL:]:
        raise UploadRejected("polyglot")
    return "pdf" if data.startswith(_PDF_MAGIC) else "png" if data[1:4] == b"PNG" else "jpg"


def _check_pdf(data: bytes) -> None:
    try:
        # Without recovery, qpdf refuses a file it would have to guess at; any warning left
        # means it read some object differently from what the bytes say. Page attributes are
        # not pushed down the page tree: that repairs harmless files into warnings.
        source = io.BytesIO(data)
        with pikepdf.open(source, attempt_recovery=False, inherit_page_attributes=False) as pdf:
            if pdf.is_encrypted:
                raise UploadRejected("encrypted_pdf")
            code = _walk_pdf(pdf)
            if code is None and pdf.get_warnings():
                code = "damaged"
    except pikepdf.PasswordError:
        raise UploadRejected("encrypted_pdf") from None
    except pikepdf.PdfError:
        raise UploadRejected("damaged") from None
    if code is None:
        code = _raw_pdf_refusal(data)
    if code is not None:
        raise UploadRejected(code)


def _walk_pdf(pdf: pikepdf.Pdf) -> str | None:
    """Look at every object once, in qpdf's canonical spelling (no #-escaped names).

    The object table holds unreferenced objects too, so nothing hides by being unreachable.
    Serialising is done by qpdf and is cheap; only an object that names something we refuse
    is looked at key by key, which is slow in Python.
    """
    for obj in [pdf.trailer, *pdf.objects]:
        if isinstance(obj, pikepdf.Stream):
            obj = obj.stream_dict
        if isinstance(obj, pikepdf.Name):  # an action type kept apart from its dictionary
            code = _PDF_NAME_CODES.get(str(obj)[1:])
        elif isinstance(obj, pikepdf.Dictionary | pikepdf.Array):
            found = _PDF_NAMES.search(obj.unparse(resolved=True))
            code = None if found is None else _subtree_refusal(obj)
        else:
            continue
        if code is not None:
            return code
    return None


def _subtree_refusal(top: pikepdf.Object) -> str | None:
    """Check a dictionary or array and the direct objects in it; indirect ones come in turn."""
    pending = [top]
    while pending:
        obj = pending.pop()
        if isinstance(obj, pikepdf.Dictionary):
            code = _dictionary_refusal(obj)
            if code is not None:
                return code
            children = list(obj.values())
        else:
            children = list(obj)
        pending.extend(
            child
            for child in children
            if isinstance(child, pikepdf.Dictionary | pikepdf.Array) and not child.is_indirect
        )
    return None


def _dictionary_refusal(obj: pikepdf.Dictionary) -> str | None:
    keys = set(obj.keys())
    action, kind, subtype = obj.get("/S"), obj.get("/Type"), obj.get("/Subtype")
    if keys & {"/JS", "/JavaScript"} or action == pikepdf.Name.JavaScript:
        return "pdf_javascript"
    if action == pikepdf.Name.Launch:
        return "pdf_launch"
    if (
        keys & {"/EmbeddedFiles", "/EF"}
        or kind == pikepdf.Name.EmbeddedFile
        or subtype == pikepdf.Name.FileAttachment
    ):
        return "pdf_embedded_files"
    if keys & {"/XFA", "/RichMediaContent"} or subtype == pikepdf.Name.RichMedia:
        return "pdf_active_content"
    return None


def _raw_pdf_refusal(data: bytes) -> str | None:
    """Search the bytes themselves, for objects that qpdf no longer sees but another reader may."""
    found = _RAW_PDF_NAMES.search(data)
    return None if found is None else _PDF_NAME_CODES[found.group(1).decode()]


def _clean_image(data: bytes, extension: str) -> bytes:
    fmt = "PNG" if extension == "png" else "JPEG"
    with warnings.catch_warnings():
        # As for photos: warnings on odd but harmless input are silenced; a bomb is refused.
        warnings.simplefilter("ignore")
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        image = _open_image(data, fmt)
        if image.width * image.height > MAX_DOCUMENT_PIXELS:
            raise UploadRejected("too_many_pixels")  # only the header has been read so far
        try:
            pixels = _pixels_only(image, fmt)
        except _BOMB:
            raise UploadRejected("too_many_pixels") from None
        except _BROKEN:
            raise UploadRejected("damaged") from None
    params: dict[str, object] = {}
    if fmt == "JPEG":
        params = {"quality": _JPEG_QUALITY, "optimize": True, "exif": b"", "comment": b""}
    dpi = _print_resolution(image)
    if dpi is not None:
        params["dpi"] = dpi
    out = io.BytesIO()
    pixels.save(out, fmt, **params)
    return out.getvalue()


def _open_image(data: bytes, fmt: str) -> Image.Image:
    try:
        return Image.open(io.BytesIO(data), formats=[fmt])
    except UnidentifiedImageError:
        raise UploadRejected("damaged") from None  # the magic said it was this format
    except _BOMB:
        raise UploadRejected("too_many_pixels") from None
    except _BROKEN:
        raise UploadRejected("damaged") from None


def _pixels_only(image: Image.Image, fmt: str) -> Image.Image:
    """Return an upright copy that shares nothing with the upload but its pixels."""
    # Rotate while the EXIF orientation is still there to read; this also loads the pixels,
    # which raises on truncation because ImageFile.LOAD_TRUNCATED_IMAGES is left at False.
    ImageOps.exif_transpose(image, in_place=True)
    image.load()
    keep = {"1", "L", "LA", "I", "I;16", "RGB", "RGBA"} if fmt == "PNG" else {"L", "RGB"}
    if image.mode not in keep:
        # Palette, CMYK and the like: plain RGB(A) is what every viewer shows the same way.
        alpha = fmt == "PNG" and image.has_transparency_data
        image = image.convert("RGBA" if alpha else "RGB")
    elif fmt == "PNG" and "transparency" in image.info:
        image = image.convert("RGBA")  # a tRNS colour key, kept as real alpha
    # A fresh image has an empty ``info``: nothing from the upload can reach the encoder.
    pixels = Image.new(image.mode, image.size)
    pixels.paste(image)
    return pixels


def _print_resolution(image: Image.Image) -> tuple[float, float] | None:
    """The scan's dots per inch, so that a page prints at its real size; a number, not data."""
    dpi = image.info.get("dpi")
    if (
        isinstance(dpi, tuple)
        and len(dpi) == 2
        and all(isinstance(v, int | float) and 1 <= v <= 10_000 for v in dpi)
    ):
        return (float(dpi[0]), float(dpi[1]))
    return None


def safe_title(filename: str) -> str:
    """Suggest a title from an uploaded file's name: harmless text, "" when nothing is left.

    Only ever shown as a title; the stored file's name is chosen by the server.
    """
    name = re.split(r"[/\\]", filename)[-1]
    # Line breaks and other controls separate words; bidi overrides, zero-width characters and
    # lone surrogates (which fail when encoded) are invisible and go.
    name = "".join(
        " " if category in {"Cc", "Zl", "Zp"} else "" if category in {"Cf", "Cs"} else char
        for char, category in ((char, unicodedata.category(char)) for char in name)
    )
    name = " ".join(unicodedata.normalize("NFC", name).split())
    stem, dot, extension = name.rpartition(".")
    if dot and _is_extension(extension):
        name = stem.strip()
    title = name[:MAX_TITLE_CHARS].rstrip()
    return title if title.strip(". ") else ""


def _is_extension(text: str) -> bool:
    """ "pdf", "jpeg", "docx": short, ASCII, with a letter; "Møte 12.03" keeps its date."""
    return text.isascii() and text.isalnum() and len(text) <= 5 and not text.isdigit()
