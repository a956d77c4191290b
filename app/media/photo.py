"""Turn an uploaded photo into an upright, bounded JPEG that carries nothing but its pixels."""

from __future__ import annotations

import io
import struct
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000  # refuse larger images before decoding them (decompression bombs)
MAX_SIDE = 1024  # the stored photo's longest side
_QUALITY = 85

# What Pillow's decoders raise on truncated or corrupt input; struct.error and EOFError leak
# from some plugins unwrapped.
_BROKEN = (OSError, SyntaxError, ValueError, EOFError, struct.error)
_BOMB = (Image.DecompressionBombError, Image.DecompressionBombWarning)

_OUR_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")
# Formats people do upload (GIF, BMP, TIFF; WebP and HEIC from phones): recognised only so the
# user is told "use JPEG or PNG" rather than "this is not an image". Pillow never parses them.
_OTHER_MAGIC = (b"GIF87a", b"GIF89a", b"BM", b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")
_ISOBMFF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"avif"}


class PhotoRejected(ValueError):
    """The upload is not a photo we accept; ``code`` says why, for a message in the UI language."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True, slots=True)
class CleanPhoto:
    """A baseline JPEG holding only pixels: no EXIF, ICC profile, XMP or comment."""

    data: bytes
    media_type: str
    width: int
    height: int


def clean_photo(data: bytes, max_side: int = MAX_SIDE) -> CleanPhoto:
    """Decode a JPEG or PNG upload and re-encode its upright pixels, shrunk to ``max_side``."""
    if not data:
        raise PhotoRejected("empty")
    if len(data) > MAX_UPLOAD_BYTES:
        raise PhotoRejected("too_big")
    with warnings.catch_warnings():
        # Pillow warns on odd but harmless input (corrupt EXIF, malformed MPO); none of it may
        # escape, except the bomb warning, which becomes an error we turn into a refusal.
        warnings.simplefilter("ignore")
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        image = _to_rgb(_decode(data, max_side))
        image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    # A fresh image has an empty ``info``: nothing from the upload can reach the encoder, which
    # otherwise copies e.g. ``info["comment"]`` into the output.
    pixels = Image.frombytes("RGB", image.size, image.tobytes())
    out = io.BytesIO()
    pixels.save(
        out, "JPEG", quality=_QUALITY, optimize=True, exif=b"", icc_profile=None, comment=b""
    )
    return CleanPhoto(out.getvalue(), "image/jpeg", pixels.width, pixels.height)


def _decode(data: bytes, max_side: int) -> Image.Image:
    try:
        image = Image.open(io.BytesIO(data), formats=["JPEG", "PNG"])
    except UnidentifiedImageError:
        raise PhotoRejected(_unidentified(data)) from None
    except _BOMB:
        raise PhotoRejected("too_many_pixels") from None
    except _BROKEN:
        raise PhotoRejected("damaged") from None
    # Only the header has been read so far: refuse before any pixel memory is allocated.
    if image.width * image.height > MAX_PIXELS:
        raise PhotoRejected("too_many_pixels")
    try:
        # Let libjpeg decode big JPEGs at 1/2..1/8 scale; 2x headroom keeps the final resize sharp.
        image.draft(None, (2 * max_side, 2 * max_side))
        # Rotate while the EXIF orientation is still there to read; load() raises on truncation
        # because ImageFile.LOAD_TRUNCATED_IMAGES is left at False.
        return ImageOps.exif_transpose(image)
    except _BOMB:
        raise PhotoRejected("too_many_pixels") from None
    except _BROKEN:
        raise PhotoRejected("damaged") from None


def _unidentified(data: bytes) -> str:
    if data.startswith(_OUR_MAGIC):
        return "damaged"
    if data.startswith(_OTHER_MAGIC) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP"):
        return "unsupported_format"
    if data[4:8] == b"ftyp" and data[8:12] in _ISOBMFF_BRANDS:
        return "unsupported_format"
    return "not_an_image"


def _to_rgb(image: Image.Image) -> Image.Image:
    if image.mode.startswith("I"):
        # 16-bit grey: scale to 8 bits; a plain convert would clip everything above 255 to white.
        image = image.convert("I").point(lambda v: v / 256).convert("L")
    if image.has_transparency_data:
        # JPEG has no alpha: show transparent areas as white paper, not as black.
        rgba = image.convert("RGBA")
        return Image.alpha_composite(Image.new("RGBA", rgba.size, "white"), rgba).convert("RGB")
    return image.convert("RGB")
