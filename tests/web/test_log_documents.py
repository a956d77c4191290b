"""Documents over HTTP: uploads checked by content, downloads that never run in our origin,
removal from HEAD with the bytes kept only in the encrypted history."""

from __future__ import annotations

import io

import pikepdf
import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image

from app import create_app
from app.demo.people import demo_pdf
from app.documents.records import Attachment
from app.logs.errors import DocumentNotFound
from app.logs.layout import DocRef
from app.media.uploads import safe_title
from tests.web.conftest import demo_log_ids, logged_in
from tests.web.test_log_meetings import meet_app  # noqa: F401  (the shared instance)
from tests.web.test_log_work import form_values, head, snapshot


def _upload(client: FlaskClient, log_id: str, data: bytes, name: str, title: str = ""):  # type: ignore[no-untyped-def]
    path = f"/logg/{log_id}/dokumenter/ny"
    fields = form_values(client, path)
    return client.post(
        path,
        data={**fields, "title": title, "upload": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def _pdf_with_javascript() -> bytes:
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.Root.OpenAction = pikepdf.Dictionary(
        S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)")
    )
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def _jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (40, 20), "red")
    exif = Image.Exif()
    exif[0x8825] = {2: (59.0, 54.0, 0.0)}  # GPS latitude
    exif[0x010F] = "Kamera AS"
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def test_upload_list_download_and_remove(meet_app: Flask) -> None:  # noqa: F811
    app = meet_app
    instance = app.extensions["stafettlogg"]
    nora = demo_log_ids(app)["Nora"]
    kari, hilde = logged_in(app, "citizen:kari"), logged_in(app, "staff:hilde")
    report = demo_pdf("Rapport fra fysioterapeut")
    answer = _upload(kari, nora, report, "Nora Berg rapport.pdf")
    assert answer.status_code == 302, answer.data[:2000]
    stored = max(snapshot(app, nora).of_kind(Attachment), key=lambda a: a.uploaded_at)
    assert stored.title == "Nora Berg rapport" and stored.media_type == "application/pdf"
    assert "Nora" not in stored.filename and stored.filename.endswith(".pdf")
    page = hilde.get(f"/logg/{nora}/dokumenter").data.decode()
    assert "Nora Berg rapport" in page and "Kari Berg" in page
    # A download is an attachment with a neutral name and a policy that runs nothing.
    download = hilde.get(f"/logg/{nora}/dokumenter/{stored.id}/last-ned")
    assert download.status_code == 200 and download.data == report
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "Nora" not in disposition
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Security-Policy"].startswith("sandbox")
    entry = instance.access_log.entries(nora)[-1]
    assert (entry.section, entry.action) == ("attachments", "download")
    # Images are re-encoded: no GPS, no camera.
    answer = _upload(kari, nora, _jpeg_with_gps(), "bilde.jpg", title="Tegning")
    assert answer.status_code == 302
    image = next(a for a in snapshot(app, nora).of_kind(Attachment) if a.title == "Tegning")
    data = hilde.get(f"/logg/{nora}/dokumenter/{image.id}/last-ned").data
    assert not Image.open(io.BytesIO(data)).getexif()
    # People without access, the photo route's id, and a child: nothing.
    for who in ("staff:tor", "staff:maria", "citizen:per", "citizen:lise"):
        assert (
            logged_in(app, who).get(f"/logg/{nora}/dokumenter/{stored.id}/last-ned").status_code
            == 404
        )
    # The subject's photo is an attachment too, but never a document to download.
    tokens = form_values(hilde, f"/logg/{nora}/bilde")
    photo_upload = {**tokens, "photo": (io.BytesIO(_jpeg_with_gps()), "bilde.jpg")}
    answer = hilde.post(
        f"/logg/{nora}/bilde", data=photo_upload, content_type="multipart/form-data"
    )
    assert answer.status_code == 302
    photo = snapshot(app, nora).overview.photo
    assert photo is not None
    assert hilde.get(f"/logg/{nora}/dokumenter/{photo}/last-ned").status_code == 404
    assert photo not in hilde.get(f"/logg/{nora}/dokumenter").data.decode()
    # Only the uploader or the holder removes a document; it leaves HEAD, bytes and all.
    ola = logged_in(app, "citizen:ola")
    assert ola.get(f"/logg/{nora}/dokumenter/{stored.id}/slett").status_code == 404
    before = head(app, nora)
    fields = form_values(hilde, f"/logg/{nora}/dokumenter/{stored.id}/slett")
    answer = hilde.post(f"/logg/{nora}/dokumenter/{stored.id}/slett", data=fields)
    assert answer.status_code == 302
    assert DocRef("attachment", stored.id) not in snapshot(app, nora).documents
    with pytest.raises(DocumentNotFound):
        instance.logs.read_attachment(nora, stored.id)
    assert instance.logs.read_attachment(nora, stored.id, before) == download.data
    assert hilde.get(f"/logg/{nora}/dokumenter/{stored.id}/last-ned").status_code == 404


def test_hostile_uploads_are_refused_with_a_clear_message(meet_app: Flask) -> None:  # noqa: F811
    app = meet_app
    nora = demo_log_ids(app)["Nora"]
    hilde = logged_in(app, "staff:hilde")
    clean = demo_pdf("Ren fil")
    cases = [
        (_pdf_with_javascript(), "rapport.pdf", "skript"),
        (b"<html><script>alert(1)</script></html>", "bilde.png", "Bare PDF, JPEG og PNG"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "tegning.svg",
            "Bare PDF, JPEG og PNG",
        ),
        (b"", "tom.pdf", "Filen er tom"),
        (clean, "../../x.pdf", "Gi filen et nytt navn"),
        (clean, "<script>.pdf", "Gi filen et nytt navn"),
    ]
    before = head(app, nora)
    count = len(snapshot(app, nora).of_kind(Attachment))
    access_log = app.extensions["stafettlogg"].access_log
    for data, name, message in cases:
        seen = len(access_log.entries(nora))
        answer = _upload(hilde, nora, data, name)
        assert answer.status_code == 400, name
        assert message in answer.data.decode(), (name, message)
        # The form drawn, then shown again with the problem: two reads in the access log.
        assert len(access_log.entries(nora)) == seen + 2, name
    # Over the cap: the same instance with a small configured cap (an upload here stays small).
    small = create_app(
        {
            "STAFETTLOGG_INSTANCE": app.instance_path,
            "STAFETTLOGG_MAX_UPLOAD_MB": "0.1",
            "STAFETTLOGG_DEMO": "1",
            "TESTING": True,
        }
    )
    try:
        limit = small.extensions["stafettlogg"].settings.max_upload_bytes
        answer = _upload(logged_in(small, "staff:hilde"), nora, clean + b"\0" * limit, "stor.pdf")
        assert answer.status_code == 400
        assert "Filen er for stor. Grensen er 0.1 MB." in answer.data.decode()
    finally:
        small.extensions["stafettlogg"].close()
    assert head(app, nora) == before
    assert len(snapshot(app, nora).of_kind(Attachment)) == count


def _tiny_png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (2, 2), "blue").save(out, "PNG")
    return out.getvalue()


def test_hostile_titles_and_file_names_come_back_intact_and_harmless(
    meet_app: Flask,  # noqa: F811
    blns: list[str],
) -> None:
    """Every naughty string as a document's title, and as the name of the file it came in."""
    from tests.web.test_rendering import _dangers

    app = meet_app
    nora = demo_log_ids(app)["Nora"]
    kari = logged_in(app, "citizen:kari")
    png = _tiny_png()
    titles = [t for t in blns if 0 < len(t.strip()) <= 200 and not set(t) & set("\r\n")]
    for n, text in enumerate(titles):
        answer = _upload(kari, nora, png, f"fil{n}.png", title=text)
        assert answer.status_code == 302, (n, text, answer.data[-3000:])
    stored = {a.title for a in snapshot(app, nora).of_kind(Attachment)}
    assert [t for t in titles if t.strip() not in stored] == []
    # A file's name only suggests a title; a name no browser sends is refused with a message.
    for n, text in enumerate(blns):
        # As a browser sends it: the HTML standard escapes these three in a file's name, and
        # Werkzeug reads them back.
        name = f"{text}.png".replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")
        before = head(app, nora)
        answer = _upload(kari, nora, png, name)
        if answer.status_code == 400:
            assert "Filnavnet" in answer.data.decode(), (n, text)
            assert head(app, nora) == before
            continue
        assert answer.status_code == 302, (n, text)
        newest = max(snapshot(app, nora).of_kind(Attachment), key=lambda a: a.uploaded_at)
        assert newest.title == (safe_title(f"{text}.png") or "Dokument"), (n, text)
        assert newest.filename == f"dokument-{newest.id}.png"
    page = kari.get(f"/logg/{nora}/dokumenter")
    assert page.status_code == 200 and _dangers(page.data.decode(), allow_forms=True) == []
