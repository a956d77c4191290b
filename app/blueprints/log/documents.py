"""Documents: PDFs, JPEGs and PNGs (a scanned paper consent, a report) stored in the log.

The file's type is read from its bytes, images are re-encoded and PDFs checked
(:mod:`app.media.uploads`); the server names the stored file; a download is an
attachment with a neutral name, ``nosniff`` and a sandbox policy, so a browser
never runs or renders it as part of our site.
"""

from __future__ import annotations

import re

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from werkzeug.wrappers import Response
from wtforms import StringField
from wtforms.validators import Optional, StopValidation

from app.access import Action, Section
from app.blueprints.context import instance, portal
from app.blueprints.log import bp
from app.blueprints.log.common import (
    Answer,
    document,
    new_attachment,
    open_page,
    record_shown,
    require_write,
    save_upload,
    showing,
    viewer,
)
from app.blueprints.log.forms import TITLE_MAX, DocumentForm, _at_most
from app.documents.records import Attachment
from app.gateway import LogPage, NoAccess
from app.gateway.changes import Change, DocumentConflict
from app.logs.errors import RuleViolation
from app.logs.events import Action as Event
from app.logs.layout import DocRef
from app.media.uploads import UploadRejected, check_upload, safe_title
from app.web.downloads import attachment
from app.web.page_cache import render_log_page
from app.web.users import current_service, login_required

UPLOAD_PROBLEMS = {
    "empty": _l("The file is empty. Choose the file again."),
    "too_big": _l("The file is too large. The limit is %(mb)s MB."),
    "unsupported_type": _l("Only PDF, JPEG and PNG files can be added."),
    "polyglot": _l("The file is not a clean PDF, JPEG or PNG. Save it again as PDF and retry."),
    "damaged": _l("The file is damaged or cannot be read. Save it again and retry."),
    "encrypted_pdf": _l("The PDF is password protected. Save a copy without a password."),
    "pdf_javascript": _l("The PDF contains scripts, which are not allowed. Print it to PDF again."),
    "pdf_launch": _l("The PDF tries to open other programs, which is not allowed."),
    "pdf_embedded_files": _l("The PDF has files attached inside it. Add each file on its own."),
    "pdf_active_content": _l("The PDF has interactive content. Print it to PDF again."),
    "too_many_pixels": _l("The image is too large. Scan it at a lower resolution."),
    "unsafe_name": _l(
        "The file name contains characters we do not accept (/ \\ < > or control characters). "
        "Rename the file and try again."
    ),
}
# A browser sends only the file's own name: a path or markup in it means a forged request.
_UNSAFE_NAME = re.compile(r"[/\\<>\x00-\x1f\x7f]|^\.\.")


def checked_file(_form: object, field: FileField) -> None:
    """Validate an uploaded document by its content; the bytes to store go to ``field.clean``.

    A refusal is the field's error, in the user's language, so a form with a
    file shows it like any other mistake.
    """
    limit = instance().settings.max_upload_bytes
    sent = field.data
    raw = sent.read(limit + 1) if sent else b""
    code = "unsafe_name" if _UNSAFE_NAME.search(getattr(sent, "filename", "") or "") else ""
    if not code:
        try:
            field.clean = check_upload(raw, max_bytes=limit)
            return
        except UploadRejected as rejected:
            code = rejected.code
    message = UPLOAD_PROBLEMS.get(code, UPLOAD_PROBLEMS["damaged"])
    raise StopValidation(str(message) % {"mb": megabytes(limit)})


class UploadForm(DocumentForm):
    """A title and a file."""

    text_fields = ()
    title = StringField(
        _l("Title"),
        description=_l("What the document is, for example: Signed consent from the guardians"),
        validators=[Optional(), _at_most(TITLE_MAX)],
    )
    upload = FileField(
        _l("File"),
        description=_l("PDF, JPEG or PNG."),
        render_kw={"accept": ".pdf,.jpg,.jpeg,.png"},
        validators=[checked_file],
    )


def _documents_page(log_id: str, write: bool) -> LogPage:
    page = open_page(log_id, Section.ATTACHMENTS, record=showing() or not write)
    if write:
        require_write(page, Section.ATTACHMENTS)
    return page


def _documents(page: LogPage) -> list[Attachment]:
    """The log's documents, newest first (the subject's photo is not one of them)."""
    found = [a for a in page.snapshot.of_kind(Attachment) if a.id != page.overview.photo]
    return sorted(found, key=lambda a: a.uploaded_at, reverse=True)


@bp.get("/dokumenter")
@login_required()
def documents(log_id: str) -> str:
    """The documents, with who added them and when."""
    page = _documents_page(log_id, write=False)
    return render_log_page(
        page, "log/documents.html", nav="attachments", documents=_documents(page)
    )


@bp.route("/dokumenter/ny", methods=["GET", "POST"])
@login_required()
def upload(log_id: str) -> Answer:
    """Add a document: checked by content, stored encrypted under a name the server chose."""
    page = _documents_page(log_id, write=True)
    form = UploadForm()
    limit = instance().settings.max_upload_bytes
    context = {"form": form, "nav": "attachments", "limit_mb": megabytes(limit)}
    if request.method == "GET":
        form.revision.data = page.revision
        form.ensure_key()
        return render_template("log/upload.html", page=page, **context)

    def again(status: int = 400) -> tuple[str, int]:
        record_shown(page)  # the log is shown again, with the problem: a read
        return render_template("log/upload.html", page=page, **context), status

    if not form.validate_on_submit():
        return again()
    clean = form.upload.clean
    name = getattr(form.upload.data, "filename", "") or ""
    title = (form.title.data or "").strip() or safe_title(name) or _("Document")
    metadata, files = new_attachment(clean, title)
    try:
        save_upload(page, Change((metadata,), event=Event.ATTACH, files=files), clean.data)
    except RuleViolation:
        context["problem"] = _("The form is too old to be saved. Open the page again.")
        return again()
    flash(_("The document is added."), "success")
    return redirect(url_for("log.documents", log_id=log_id))


def megabytes(limit: int) -> str:
    return f"{round(limit / (1024 * 1024), 1):g}"


@bp.get("/dokumenter/<attachment_id>/last-ned")
@login_required()
def download(log_id: str, attachment_id: str) -> Response:
    """The document as an attachment with a neutral name; never rendered in our origin."""
    metadata, data = portal().document_file(
        viewer(), log_id, attachment_id, service=current_service()
    )
    day = metadata.uploaded_at.date().isoformat()
    extension = metadata.filename.rsplit(".", 1)[-1]
    return attachment(data, f"dokument-{day}.{extension}", metadata.media_type)


@bp.route("/dokumenter/<attachment_id>/slett", methods=["GET", "POST"])
@login_required()
def delete_document(log_id: str, attachment_id: str) -> Answer:
    """The uploader or the holder removes a document from the log; the history keeps it."""
    page = _documents_page(log_id, write=True)
    found = document(page, "attachment", attachment_id)
    if not isinstance(found, Attachment) or found.id == page.overview.photo:
        raise NoAccess(log_id)
    if not page.may_delete("attachments", found.uploaded_by):
        raise NoAccess(log_id)
    if request.method == "GET":
        return render_template("log/confirm_document_delete.html", page=page, item=found)
    try:
        portal().change(
            viewer(),
            log_id,
            Change(
                deletions=(DocRef("attachment", attachment_id),),
                action=Action.WRITE,
                event=Event.DELETE,
            ),
            expected_revision=request.form.get("revision", ""),
            form_key=request.form.get("form_key", ""),
            service=current_service(),
        )
    except DocumentConflict:
        flash(_("Someone else changed this just now. Look at it again before you delete it."))
        return redirect(url_for("log.documents", log_id=log_id))
    flash(_("The document is removed from the log. It is kept in the history."), "success")
    return redirect(url_for("log.documents", log_id=log_id))
