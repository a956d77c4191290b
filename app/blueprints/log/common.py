"""What every page of a log shares: opening it for the viewer, and running a form.

:func:`run_form` is the one way a log form is handled: draw it with the revision
and a fresh idempotency key, preview it (Markdown and plain-language advice)
without saving, validate, send the change through the portal's pipeline, and on
a conflict show both versions with a merge proposal. Post/Redirect/Get after a
save, so back and reload never send it again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from flask import flash, redirect, render_template, request
from flask_babel import gettext as _
from pydantic import ValidationError
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.wrappers import Response
from wtforms.fields.choices import SelectChoice

from app.access import Section, User
from app.blueprints.context import portal
from app.blueprints.log.forms import GUARDIANS, DocumentForm
from app.documents.base import DocumentBase
from app.documents.records import Attachment
from app.errors import RULES
from app.gateway import LogPage, NoAccess
from app.gateway.changes import Change, DocumentConflict
from app.gateway.core import doc_ref
from app.gateway.documents import new_attachment as attachment_for
from app.logs.errors import RuleViolation
from app.logs.layout import DocRef
from app.logs.merge import merge_fields
from app.media.uploads import CleanUpload
from app.web.i18n import select_locale
from app.web.users import current_service, current_user
from app.writing import advise

Answer = str | Response | tuple[str, int]
#: The document a URL names; a malformed kind or id is a missing page, like any other.
url_ref = doc_ref


def viewer() -> User:
    """The logged-in user (views are behind login_required)."""
    user = current_user()
    assert user is not None
    return user


def open_page(log_id: str, section: Section, record: bool = True) -> LogPage:
    """The log as the viewer may see it at ``section`` (NoAccess → 404).

    Recorded in the access log as a read unless ``record`` is false, which is for
    a POST (the change itself is recorded) or a page that records its own read.
    """
    return portal().open_log(
        viewer(), log_id, service=current_service(), section=section, record=record
    )


def showing() -> bool:
    """Whether this request shows the log (a form drawn, a confirmation): then it is a read.

    A form that is sent is recorded as the change it makes (or the conflict it shows).
    """
    return request.method == "GET"


def record_shown(page: LogPage) -> None:
    """Record a read of ``page``, opened unrecorded, now that the log is shown after all."""
    portal().record_view(viewer(), page, current_service())


def require_write(page: LogPage, section: Section) -> None:
    """Forms of a section the viewer may not write look like a missing page."""
    if section not in page.writable:
        raise NoAccess(page.log_id)


def participant_choices(page: LogPage) -> list[SelectChoice]:
    """The log's active participants, by document id and current name."""
    return [
        SelectChoice(p.id, page.people.participant(p.id).name)  # type: ignore[union-attr]
        for p in page.snapshot.of_kind_active_participants()
    ]


def responsible_choices(page: LogPage) -> list[SelectChoice]:
    """Who can answer for an activity: an active participant, or the guardians."""
    return [*participant_choices(page), SelectChoice(GUARDIANS, _("The guardians"))]


def author_role(page: LogPage) -> str:
    """As whom the viewer writes: a participant, a guardian, or the subject (child or youth)."""
    roles = {"guardian": "guardian", "subject": "subject", "child": "subject"}
    return roles.get(page.viewer.relation, "participant")


def document(page: LogPage, kind: str, doc_id: str) -> DocumentBase:
    """A document the viewer can see on this page, or a 404."""
    try:
        found = page.snapshot.documents.get(DocRef(kind, doc_id))
    except ValueError:
        found = None
    if found is None:
        raise NoAccess(page.log_id)
    return found


def preview_of(form: DocumentForm) -> dict[str, dict[str, Any]]:
    """Rendered Markdown and plain-language advice for each free-text field."""
    language = "nn" if select_locale() == "nn" else "nb"
    previews = {}
    for name in form.text_fields:
        if name not in form:
            continue
        text = form[name].data or ""
        previews[name] = {"text": text, "advice": advise(text, language)}
    return previews


def run_form(
    page: LogPage,
    form: DocumentForm,
    *,
    target: DocRef | None,
    make_change: Callable[[dict[str, Any]], Change],
    done: str,
    message: str,
    template: str = "log/form.html",
    initial: dict[str, str] | None = None,
    **context: Any,
) -> Answer:
    """Draw, preview, validate and save one form; see the module docstring."""
    current = page.snapshot.documents.get(target) if target else None
    if request.method == "GET":
        _fill(form, {**(initial or {}), **form.values_of(current), "revision": page.revision})
        form.ensure_key()
        return render_template(template, page=page, form=form, **context)
    if not form.validate_on_submit():
        record_shown(page)  # the log is shown again, with the problems: a read
        return render_template(template, page=page, form=form, **context), 400
    if request.form.get("intent") == "preview":
        record_shown(page)
        return render_template(template, page=page, form=form, preview=preview_of(form), **context)
    try:
        change = make_change(form.changes())
        portal().change(
            viewer(),
            page.log_id,
            change,
            expected_revision=form.revision.data or "",
            form_key=submission_key(form.form_key.data or ""),
            service=current_service(),
        )
    except ValidationError as invalid:
        _attach_errors(form, invalid)
        record_shown(page)
        return render_template(template, page=page, form=form, **context), 400
    except RuleViolation as broken:  # explained above the form; what was typed stays
        record_shown(page)
        problem = str(RULES.get(broken.code, RULES["stale_form"]))
        return render_template(template, page=page, form=form, problem=problem, **context), 400
    except DocumentConflict as conflict:
        return _merge_view(page, form, target, conflict, template, context)
    flash(message, "success")
    return redirect(done)


def _digest(sent: FileStorage) -> str:
    """The SHA-256 of an uploaded file, leaving it to be read again from the start."""
    stream = sent.stream
    position = stream.tell()
    digest = hashlib.file_digest(stream, "sha256").hexdigest()  # type: ignore[arg-type]
    stream.seek(position)
    return digest


def submission_key(form_key: str, *extra: str) -> str:
    """The idempotency key of this submission: the form's key and what was sent.

    The same form sent twice (a double-click, a reload) has the same key and is
    saved once. A file sent with it is part of what was sent: the same form
    with another file is another submission. Sent again after going back and
    changing it, it is a new submission against its old revision, so the
    conflict check sees it.
    """
    if not form_key:
        return ""
    sent = sorted((k, v) for k, v in request.form.items(multi=True) if k != "csrf_token")
    files = sorted((name, _digest(f)) for name, f in request.files.items(multi=True))
    what = json.dumps([request.path, sent, files, extra], ensure_ascii=False).encode()
    digest = hashlib.sha256(what).hexdigest()[:32]
    return f"{form_key[:64]}:{digest}"


def new_attachment(clean: CleanUpload, title: str) -> tuple[Attachment, dict[str, bytes]]:
    """Metadata for checked bytes uploaded now by the viewer, and the bytes at their path."""
    return attachment_for(clean, title, viewer().principal, datetime.now(UTC))


def save_upload(page: LogPage, change: Change, sent: bytes) -> None:
    """Save an upload through the pipeline, with the revision and key of the form that sent it.

    The same form sent again with another file (back, choose again) is a new
    upload, so the file's digest is part of the idempotency key.
    """
    portal().change(
        viewer(),
        page.log_id,
        change,
        expected_revision=request.form.get("revision", ""),
        form_key=submission_key(request.form.get("form_key", ""), hashlib.sha256(sent).hexdigest()),
        service=current_service(),
    )


def document_or_version(page: LogPage, kind: str, doc_id: str) -> DocumentBase:
    """A document of the log; on a sent form also one deleted since the form was drawn.

    Someone may delete an entry while another person edits it. The edit must
    not end in a "not found": the last version before the deletion is used, and
    the change meets the deletion as a conflict, with the text kept; saving the
    merge view then brings the entry back.
    """
    try:
        return document(page, kind, doc_id)
    except NoAccess:
        if request.method != "POST":
            raise
        ref = url_ref(page.log_id, kind, doc_id)
        found = portal().last_version(viewer(), page.log_id, ref)
        if found is None:
            raise
        return found


def _fill(form: DocumentForm, values: dict[str, str]) -> None:
    """Fill a form from strings as if they were sent, so dates and choices parse alike."""
    form.process(formdata=MultiDict(values))


def _attach_errors(form: DocumentForm, invalid: ValidationError) -> None:
    """Model errors become messages next to the matching field (or the first field)."""
    names = form.field_names()
    for error in invalid.errors(include_url=False, include_input=False):
        name = str(error["loc"][0]) if error["loc"] else ""
        field = form[name] if name in names else form[names[0]]
        field.errors = [*field.errors, _("Check this value.")]


def _merge_view(
    page: LogPage,
    form: DocumentForm,
    target: DocRef | None,
    conflict: DocumentConflict,
    template: str,
    context: dict[str, Any],
) -> tuple[str, int]:
    """Someone else saved this document first: both versions and a proposal, nothing lost."""
    user = viewer()
    base = theirs = None
    if target is not None:
        base = portal().read_version(user, page.log_id, target, conflict.base)
        theirs = portal().read_version(user, page.log_id, target, conflict.head)
    mine = {name: str(form[name].data or "") for name in form.field_names()}
    for name in form.field_names():  # dates and choices as the form sent them
        if name in request.form:
            mine[name] = ",".join(request.form.getlist(name))  # checkboxes send several
    merged = merge_fields(
        form.values_of(base), mine, form.values_of(theirs), text_fields=form.text_fields
    )
    proposal = {**mine, **{f.name: f.proposal for f in merged.fields}}
    key = form.form_key.data
    _fill(form, {**proposal, "revision": conflict.head, "form_key": key or ""})
    labels = {name: form[name].label.text for name in form.field_names()}
    page = portal().open_log(user, page.log_id, service=current_service())  # both shown: a read
    return (
        render_template(
            template,
            page=page,
            form=form,
            merge=merged,
            merge_labels=labels,
            theirs_deleted=target is not None and theirs is None,
            **context,
        ),
        409,
    )
