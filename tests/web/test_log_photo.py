"""The subject's photo over HTTP: re-encoded without metadata, sealed, shown only to readers."""

from __future__ import annotations

import io
import subprocess

from flask import Flask
from PIL import Image

from tests.web.conftest import csrf_token, demo_log_ids, login
from tests.web.test_log_work import head, snapshot


def _jpeg_with_location() -> bytes:
    image = Image.new("RGB", (800, 600), (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "SecretCam 9000"  # Model
    gps = exif.get_ifd(0x8825)
    gps[2] = (59.0, 54.0, 40.0)  # GPSLatitude
    gps[1] = "N"
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, comment=b"Nora at home, Storgata 1")
    return out.getvalue()


def test_holder_uploads_a_photo_that_keeps_only_pixels(fresh_app: Flask) -> None:
    nora = demo_log_ids(fresh_app)["Nora"]
    hilde = fresh_app.test_client()
    login(hilde, "staff:hilde")
    token = csrf_token(hilde, f"/logg/{nora}/bilde")
    upload = {
        "csrf_token": token,
        "revision": head(fresh_app, nora),
        "form_key": "p" * 24,
        "photo": (io.BytesIO(_jpeg_with_location()), "IMG_0001.jpg"),
    }
    answer = hilde.post(f"/logg/{nora}/bilde", data=upload, content_type="multipart/form-data")
    assert answer.status_code == 302
    photo_id = snapshot(fresh_app, nora).overview.photo
    assert photo_id
    overview = hilde.get(f"/logg/{nora}/").data.decode()
    assert f"/logg/{nora}/bilde/{photo_id}" in overview
    served = hilde.get(f"/logg/{nora}/bilde/{photo_id}")
    assert served.status_code == 200 and served.mimetype == "image/jpeg"
    assert b"SecretCam" not in served.data and b"Storgata" not in served.data
    assert b"Exif" not in served.data and not Image.open(io.BytesIO(served.data)).getexif()
    # Stored sealed: no JPEG marker and no metadata anywhere in the repository's objects.
    store = fresh_app.extensions["stafettlogg"].store
    objects = subprocess.run(
        ["git", "-C", str(store.path_of(nora)), "cat-file", "--batch-all-objects", "--batch"],
        capture_output=True,
        check=True,
    ).stdout
    assert b"\xff\xd8\xff" not in objects and b"SecretCam" not in objects
    # A guardian who may read the overview sees it; an unrelated user gets 404.
    kari, per = fresh_app.test_client(), fresh_app.test_client()
    login(kari, "citizen:kari")
    login(per, "citizen:per")
    assert kari.get(f"/logg/{nora}/bilde/{photo_id}").status_code == 200
    assert per.get(f"/logg/{nora}/bilde/{photo_id}").status_code == 404
    assert kari.get(f"/logg/{nora}/bilde/aaaaaaaaaaaaaaaa").status_code == 404


def test_a_file_that_is_not_a_photo_is_refused_with_a_clear_message(fresh_app: Flask) -> None:
    nora = demo_log_ids(fresh_app)["Nora"]
    hilde = fresh_app.test_client()
    login(hilde, "staff:hilde")
    before = head(fresh_app, nora)
    for data, message in (
        (b"%PDF-1.7 not a photo", "Filen er ikke et bilde"),
        (b"GIF89a" + b"\x00" * 20, "Bare JPEG- og PNG-bilder"),
        (b"", "Velg et bilde"),
    ):
        upload = {
            "csrf_token": csrf_token(hilde, f"/logg/{nora}/bilde"),
            "revision": before,
            "photo": (io.BytesIO(data), "x.jpg"),
        }
        answer = hilde.post(f"/logg/{nora}/bilde", data=upload, content_type="multipart/form-data")
        assert answer.status_code == 400
        assert message in answer.data.decode()
    assert head(fresh_app, nora) == before
