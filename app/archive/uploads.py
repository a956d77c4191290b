"""An uploaded file (scan, photo, PDF) as pages an archival PDF/A can show.

JPEG and PNG are shown as they are. A PDF is drawn page by page to PNG with
poppler's ``pdftoppm`` in a separate process with a time limit (an upload is
untrusted input; a hostile PDF can at worst fail its own conversion), so the
archive copy is PDF/A whatever the original PDF was. The original bytes stay
in the log's history and in the git bundle.
"""

from __future__ import annotations

import base64
import shutil
import subprocess
import tempfile
from pathlib import Path

RESOLUTION_DPI = 150
MAX_PAGES = 300
MAX_PIXELS = 1754  # the long side of A4 at 150 dpi
TIMEOUT_SECONDS = 300


class ConversionFailed(Exception):
    """The upload could not be drawn as pages."""


def page_images(data: bytes, media_type: str, workdir: Path) -> list[str]:
    """The pages of an upload as ``data:`` URIs of images (drawn in ``workdir``)."""
    if media_type in ("image/jpeg", "image/png"):
        return [_data_uri(media_type, data)]
    if media_type == "application/pdf":
        return [_data_uri("image/png", page) for page in _pdf_pages(data, workdir)]
    raise ConversionFailed(f"no conversion for {media_type}")


def _pdf_pages(data: bytes, workdir: Path) -> list[bytes]:
    program = shutil.which("pdftoppm")
    if program is None:
        raise ConversionFailed("pdftoppm is missing: install Debian's poppler-utils")
    with tempfile.TemporaryDirectory(prefix="pages-", dir=workdir) as folder:
        source = Path(folder) / "upload.pdf"
        source.write_bytes(data)
        try:
            subprocess.run(  # noqa: S603 (fixed program and arguments; the file is ours)
                [
                    *_memory_limit(),
                    program,
                    "-png",
                    "-r",
                    str(RESOLUTION_DPI),
                    "-scale-to",  # bounds each page's pixels whatever size the PDF claims
                    str(MAX_PIXELS),
                    "-l",
                    str(MAX_PAGES),
                    "-q",
                    str(source),
                    str(Path(folder) / "page"),
                ],
                check=True,
                capture_output=True,
                timeout=TIMEOUT_SECONDS,
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            raise ConversionFailed(f"the PDF could not be drawn: {type(exc).__name__}") from None
        pages = sorted(Path(folder).glob("page*.png"), key=lambda p: int(p.stem.split("-")[-1]))
        if not pages:
            raise ConversionFailed("the PDF has no pages")
        return [page.read_bytes() for page in pages]


def _memory_limit() -> list[str]:
    """util-linux's prlimit: at most 1 GiB for pdftoppm, so a hostile PDF fails alone.

    (A preexec_fn would do the same, but is not safe in a process with threads,
    as a gateway worker is.)
    """
    program = shutil.which("prlimit")
    return [program, f"--as={1 << 30}", "--"] if program else []


def _data_uri(media_type: str, data: bytes) -> str:
    return f"data:{media_type};base64,{base64.b64encode(data).decode('ascii')}"
