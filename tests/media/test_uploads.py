"""check_upload: PDFs, JPEGs and PNGs by content; images reduced to pixels; the rest refused."""

from __future__ import annotations

import io
import struct
import time
import unicodedata
import zipfile
import zlib

import pikepdf
import pytest
from PIL import ExifTags, Image
from PIL.PngImagePlugin import PngInfo

from app.media.uploads import (
    MAX_DOCUMENT_BYTES,
    MAX_DOCUMENT_PIXELS,
    MAX_TITLE_CHARS,
    REJECTION_CODES,
    CleanUpload,
    UploadRejected,
    check_upload,
    safe_title,
)

GPS_NAME = "Kari Hansen, Storgata 12, Tromsø"
JS = pikepdf.String("app.alert('hei')")


def _rejected(data: bytes, max_bytes: int = MAX_DOCUMENT_BYTES) -> str:
    """The refusal code, checked to be one of the documented ones."""
    with pytest.raises(UploadRejected) as caught:
        check_upload(data, max_bytes)
    assert caught.value.code in REJECTION_CODES
    return caught.value.code


# --- building real files ---------------------------------------------------------------------


def _pdf(change: object = None, **save: object) -> bytes:
    """A one-page PDF written by pikepdf, after ``change(pdf)`` has added what a test needs."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    if callable(change):
        change(pdf)
    out = io.BytesIO()
    pdf.save(out, **save)  # type: ignore[arg-type]
    return out.getvalue()


def _raw_pdf(*bodies: bytes) -> bytes:
    """A hand-written PDF whose object n is ``bodies[n - 1]``, object 1 being the catalog."""
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(bodies, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(bodies) + 1,
        xref,
    )
    return bytes(out)


def _replace_object(pdf: bytes, number: int, body: bytes, size: int) -> bytes:
    """Append an incremental update that gives object ``number`` a new body."""
    previous = int(pdf.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    out = bytearray(pdf)
    offset = len(out)
    out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 1\n0000000000 65535 f \n%d 1\n%010d 00000 n \n" % (number, offset)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Prev %d >>\n" % (size, previous)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


_CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
_PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
_PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"


def _halves(width: int, height: int, mode: str = "RGB") -> Image.Image:
    """Left half red, right half blue: shows which way an image was turned."""
    image = Image.new(mode, (width, height), "blue")
    image.paste("red", (0, 0, width // 2, height))
    return image


def _encode(image: Image.Image, fmt: str, **params: object) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **params)
    return out.getvalue()


def _png_claiming(width: int, height: int) -> bytes:
    """A real 1x1 PNG whose IHDR claims another size, with a valid CRC: a decompression bomb."""
    data = bytearray(_encode(Image.new("RGB", (1, 1)), "PNG"))
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(data[12:29]))
    return bytes(data)


def _zip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


def _png_chunks(data: bytes) -> list[bytes]:
    chunks, position = [], 8
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        chunks.append(data[position + 4 : position + 8])
        position += 12 + length
    return chunks


# --- PDFs ------------------------------------------------------------------------------------


def test_clean_pdf_is_stored_as_its_original_bytes() -> None:
    original = _pdf()
    assert check_upload(original) == CleanUpload(original, "application/pdf", "pdf")


def test_scan_saved_as_pdf_passes() -> None:
    original = _encode(_halves(200, 280), "PDF", resolution=150)
    assert check_upload(original).data == original


def test_hand_written_pdf_passes() -> None:
    original = _raw_pdf(_CATALOG, _PAGES, _PAGE)
    assert check_upload(original).data == original


def _open_action(action: pikepdf.Dictionary) -> object:
    def change(pdf: pikepdf.Pdf) -> None:
        pdf.Root.OpenAction = pdf.make_indirect(action)

    return change


def test_open_action_javascript_is_refused() -> None:
    action = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=JS)
    assert _rejected(_pdf(_open_action(action))) == "pdf_javascript"


def test_document_javascript_name_tree_is_refused() -> None:
    def change(pdf: pikepdf.Pdf) -> None:
        action = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=JS))
        tree = pikepdf.Dictionary(Names=pikepdf.Array([pikepdf.String("start"), action]))
        pdf.Root.Names = pikepdf.Dictionary(JavaScript=tree)

    assert _rejected(_pdf(change)) == "pdf_javascript"


def test_page_additional_action_javascript_is_refused() -> None:
    def change(pdf: pikepdf.Pdf) -> None:
        open_page = pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=JS)
        pdf.pages[0].obj.AA = pikepdf.Dictionary(O=open_page)  # direct, nested in the page

    assert _rejected(_pdf(change)) == "pdf_javascript"


def test_javascript_in_an_unreferenced_object_is_refused() -> None:
    # Escaped names (#61 = a, #53 = S) hide from a byte search: only the object walk finds it.
    hidden = b"<< /S /J#61vaScript /J#53 (app.alert(1)) >>"
    data = _raw_pdf(_CATALOG, _PAGES, _PAGE, hidden)
    assert b"/JavaScript" not in data
    assert b"/JS" not in data
    assert _rejected(data) == "pdf_javascript"


def test_javascript_replaced_by_an_incremental_update_is_refused() -> None:
    action = b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /JavaScript /JS (x) >> >>"
    first = _raw_pdf(action, _PAGES, _PAGE)
    data = _replace_object(first, 1, _CATALOG, size=4)
    with pikepdf.open(io.BytesIO(data)) as pdf:  # qpdf only sees the clean catalog now
        assert "/OpenAction" not in pdf.Root
    assert _rejected(data) == "pdf_javascript"


def test_launch_action_is_refused() -> None:
    action = pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("cmd.exe"))
    assert _rejected(_pdf(_open_action(action))) == "pdf_launch"


def test_embedded_file_is_refused() -> None:
    def change(pdf: pikepdf.Pdf) -> None:
        pdf.attachments["notat.txt"] = pikepdf.AttachedFileSpec(pdf, b"hemmelig", mime_type="t/p")

    assert _rejected(_pdf(change)) == "pdf_embedded_files"


def test_file_attachment_annotation_is_refused() -> None:
    def change(pdf: pikepdf.Pdf) -> None:
        annotation = pikepdf.Dictionary(
            Type=pikepdf.Name.Annot,
            Subtype=pikepdf.Name.FileAttachment,
            Rect=[0, 0, 10, 10],
            FS=pikepdf.String("notat.txt"),
        )
        pdf.pages[0].obj.Annots = pikepdf.Array([pdf.make_indirect(annotation)])

    assert _rejected(_pdf(change)) == "pdf_embedded_files"


def test_xfa_form_is_refused() -> None:
    def change(pdf: pikepdf.Pdf) -> None:
        xfa = pdf.make_stream(b"<xdp:xdp/>")
        pdf.Root.AcroForm = pikepdf.Dictionary(Fields=pikepdf.Array(), XFA=xfa)

    assert _rejected(_pdf(change)) == "pdf_active_content"


@pytest.mark.parametrize("user_password", ["passord", ""])
def test_encrypted_pdf_is_refused(user_password: str) -> None:
    encryption = pikepdf.Encryption(owner="eier", user=user_password)
    assert _rejected(_pdf(encryption=encryption)) == "encrypted_pdf"


@pytest.mark.parametrize(
    "data",
    [
        _pdf()[: len(_pdf()) // 2],
        b"%PDF-1.7\n" + bytes(range(256)) * 4,
        _raw_pdf(_CATALOG, _PAGES, _PAGE).replace(b"startxref\n", b"startxref\n9"),
    ],
    ids=["truncated", "garbage", "wrong-xref"],
)
def test_damaged_pdf_is_refused(data: bytes) -> None:
    assert _rejected(data) == "damaged"


@pytest.mark.parametrize("preamble", [b"<html><body>hei</body></html>\n", b"\xef\xbb\xbf", b" "])
def test_pdf_header_not_at_offset_zero_is_refused(preamble: bytes) -> None:
    assert _rejected(preamble + _pdf()) == "polyglot"


def test_pdf_with_markup_in_its_header_is_refused() -> None:
    data = _pdf().replace(b"\n", b"\n%<script>alert(1)</script>\n", 1)
    assert _rejected(data) == "polyglot"


def test_pdf_with_a_zip_appended_is_refused() -> None:
    assert _rejected(_pdf() + _zip({"a.txt": b"a"})) == "polyglot"


# --- images ----------------------------------------------------------------------------------


def test_jpeg_is_turned_upright_and_loses_its_exif() -> None:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # stored turned left: show it turned right
    exif[ExifTags.Base.ImageDescription] = GPS_NAME
    exif[ExifTags.IFD.GPSInfo] = {ExifTags.GPS.GPSLatitudeRef: "N", ExifTags.GPS.GPSLatitude: 69.0}
    upload = _encode(_halves(64, 48), "JPEG", exif=exif, comment=b"Kari", dpi=(300, 300))
    clean = check_upload(upload)
    assert (clean.media_type, clean.extension) == ("image/jpeg", "jpg")
    image = Image.open(io.BytesIO(clean.data))
    assert image.format == "JPEG"
    assert image.size == (48, 64)  # turned
    red, blue = image.getpixel((24, 8)), image.getpixel((24, 56))
    assert isinstance(red, tuple) and red[0] > 200 > red[2]  # left half is now on top
    assert isinstance(blue, tuple) and blue[2] > 200 > blue[0]
    assert not image.getexif()
    assert "exif" not in image.info and "comment" not in image.info
    assert image.info["dpi"] == (300, 300)  # a number, so that the page prints at its size
    for leak in (b"Exif", b"Kari", GPS_NAME.encode()):
        assert leak not in clean.data


@pytest.mark.parametrize("mode", ["RGB", "L", "CMYK"])
def test_plain_jpeg_stays_jpeg(mode: str) -> None:
    clean = check_upload(_encode(_halves(40, 30, mode), "JPEG"))
    assert (clean.media_type, clean.extension) == ("image/jpeg", "jpg")
    image = Image.open(io.BytesIO(clean.data))
    assert (image.format, image.size) == ("JPEG", (40, 30))
    assert image.mode == ("L" if mode == "L" else "RGB")
    assert "dpi" not in image.info


def test_png_stays_lossless_png_without_text_or_trailing_bytes() -> None:
    info = PngInfo()
    info.add_text("Author", "Kari Hansen")
    info.add_itxt("Comment", GPS_NAME)
    picture = _halves(40, 30, "L")
    upload = _encode(picture, "PNG", pnginfo=info, exif=Image.Exif()) + b"\x00" * 64
    clean = check_upload(upload)
    assert (clean.media_type, clean.extension) == ("image/png", "png")
    assert set(_png_chunks(clean.data)) == {b"IHDR", b"IDAT", b"IEND"}
    assert clean.data.endswith(b"IEND\xaeB`\x82")
    image = Image.open(io.BytesIO(clean.data))
    assert image.mode == "L"
    assert image.tobytes() == picture.tobytes()


@pytest.mark.parametrize(("mode", "stored"), [("1", "1"), ("RGBA", "RGBA"), ("P", "RGB")])
def test_png_modes_keep_their_pixels(mode: str, stored: str) -> None:
    picture = _halves(16, 8).convert(mode)
    clean = check_upload(_encode(picture, "PNG"))
    image = Image.open(io.BytesIO(clean.data))
    assert image.mode == stored
    assert image.tobytes() == picture.convert(stored).tobytes()


def test_document_sized_image_is_not_shrunk() -> None:
    # Larger than a photo's stored side, and must stay so: small print has to stay readable.
    clean = check_upload(_encode(Image.new("L", (2480, 40), "white"), "PNG"))
    assert Image.open(io.BytesIO(clean.data)).size == (2480, 40)


@pytest.mark.parametrize(
    "trailer",
    [
        b"<html><script>alert(1)</script></html>",
        b"%PDF-1.7\n1 0 obj << >> endobj",
        b"\n<SCRIPT src=//x></SCRIPT>",
        _zip({"a.txt": b"a"}),
    ],
    ids=["html", "pdf", "script", "zip"],
)
@pytest.mark.parametrize("fmt", ["PNG", "JPEG"])
def test_image_with_another_format_after_it_is_refused(trailer: bytes, fmt: str) -> None:
    info = PngInfo()
    info.add_text("Author", "Kari Hansen")
    params: dict[str, object] = {"pnginfo": info} if fmt == "PNG" else {}
    assert _rejected(_encode(_halves(8, 8), fmt, **params) + trailer) == "polyglot"


def test_jpeg_with_script_in_its_comment_is_refused() -> None:
    upload = _encode(_halves(8, 8), "JPEG", comment=b"*/=1;alert(1);/*<script>")
    assert _rejected(upload) == "polyglot"


def test_truncated_image_is_refused() -> None:
    assert _rejected(_encode(_halves(64, 64), "JPEG")[:300]) == "damaged"
    assert _rejected(_encode(_halves(64, 64), "PNG")[:60]) == "damaged"


@pytest.mark.parametrize(
    "size", [(8000, 8000), (10_000, 10_000), (65_535, 65_535)], ids=["ours", "pillow", "huge"]
)
def test_decompression_bomb_is_refused_before_decoding(size: tuple[int, int]) -> None:
    assert size[0] * size[1] > MAX_DOCUMENT_PIXELS
    assert _rejected(_png_claiming(*size)) == "too_many_pixels"


# --- everything else -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b"<html><body><script>alert(1)</script></body></html>",  # named "scan.png" by its sender
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
        _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}),
        _zip({"[Content_Types].xml": b"<Types/>", "word/vbaProject.bin": b"Attribute VB_"}),
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504,
        b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 56 + b"PE\x00\x00",
        b"\x7fELF\x02\x01\x01" + b"\x00" * 57,
        b"\xcf\xfa\xed\xfe\x07\x00\x00\x01",
        b"#!/bin/sh\nrm -rf ~\n",
        b"GIF89a\x01\x00\x01\x00",
        b"Rar!\x1a\x07\x01\x00",
        b"plain text",
    ],
    ids=[
        "html",
        "svg",
        "xml",
        "docx",
        "docm",
        "ole",
        "exe",
        "elf",
        "macho",
        "script",
        "gif",
        "rar",
        "text",
    ],
)
def test_other_types_are_refused(data: bytes) -> None:
    assert _rejected(data) == "unsupported_type"


def test_empty_upload_is_refused() -> None:
    assert _rejected(b"") == "empty"


def test_size_is_checked_before_anything_is_parsed() -> None:
    png = _encode(_halves(8, 8), "PNG")
    assert check_upload(png, max_bytes=len(png)).extension == "png"
    assert _rejected(png, max_bytes=len(png) - 1) == "too_big"
    assert _rejected(b"<html>" * 100, max_bytes=599) == "too_big"


def test_rejection_codes_are_a_closed_set() -> None:
    assert len(set(REJECTION_CODES)) == len(REJECTION_CODES) == 11
    with pytest.raises(ValueError, match="unknown"):
        UploadRejected("not_a_code")


def test_a_big_document_is_checked_quickly() -> None:
    # A 19 MB PDF (one uncompressed stream): every byte is searched, so it must stay linear.
    def change(pdf: pikepdf.Pdf) -> None:
        pdf.pages[0].obj.Contents = pdf.make_stream(b"q Q\n" * (19 * 1024 * 1024 // 4))

    data = _pdf(change, compress_streams=False)
    started = time.perf_counter()
    assert check_upload(data).data == data
    assert time.perf_counter() - started < 1


# --- titles ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "title"),
    [
        ("../../x.pdf", "x"),
        ("..\\..\\x.pdf", "x"),
        ("C:\\Users\\kari\\Vedtak 12.03.2024.pdf", "Vedtak 12.03.2024"),
        ("<script>.pdf", "<script>"),
        ("", ""),
        (".pdf", ""),
        ("..", ""),
        ("dir/", ""),
        ("Møte 12.03", "Møte 12.03"),
        ("a\x00b\r\nc\x1b[31m\x7f.png", "a b c [31m"),
        ("\u202egnp.exe", "gnp"),
        ("  Kari  og\u00a0Ola .jpg ", "Kari og Ola"),
        ("A\u030a.pdf", "\u00c5"),  # as macOS spells Å: one letter, as everyone else spells it
    ],
)
def test_safe_title(filename: str, title: str) -> None:
    assert safe_title(filename) == title


def test_safe_title_is_capped() -> None:
    assert safe_title("x" * 300 + ".pdf") == "x" * MAX_TITLE_CHARS
    assert safe_title("x" * 199 + " " + "y" * 100) == "x" * 199


_INVISIBLE_OR_CONTROL = {"Cc", "Cf", "Cs", "Zl", "Zp"}


def test_safe_title_survives_naughty_strings(blns: list[str]) -> None:
    for name in blns:
        for filename in (name, name + ".pdf", "../" + name):
            title = safe_title(filename)
            assert len(title) <= MAX_TITLE_CHARS
            assert not {unicodedata.category(char) for char in title} & _INVISIBLE_OR_CONTROL
            assert title == title.strip()
            assert "/" not in title and "\\" not in title
            title.encode("utf-8")  # no lone surrogates
