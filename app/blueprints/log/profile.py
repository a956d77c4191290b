"""The subject's own sections: the presentation, own words, the initiative and the photo."""

from __future__ import annotations

from typing import Any

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.access import Section
from app.blueprints.context import portal
from app.blueprints.log import bp
from app.blueprints.log.common import (
    Answer,
    new_attachment,
    open_page,
    record_shown,
    require_write,
    run_form,
    save_upload,
    showing,
    viewer,
)
from app.blueprints.log.forms import InitiativeForm, OwnWordsForm, PresentationForm
from app.documents.overview import Initiative, Presentation
from app.gateway import LogPage, NoAccess
from app.gateway.changes import Change, DocumentConflict
from app.logs.ids import new_document_id
from app.logs.layout import DocRef
from app.media import PhotoRejected, clean_photo
from app.media.uploads import CleanUpload
from app.web.users import login_required

PHOTO_PROBLEMS = {
    "empty": _l("Choose a photo to upload."),
    "too_big": _l("The file is too large. Choose a photo under 10 MB."),
    "not_an_image": _l("The file is not a photo. Choose a JPEG or PNG file."),
    "unsupported_format": _l(
        "Only JPEG and PNG photos can be used. Save it as JPEG and try again."
    ),
    "too_many_pixels": _l("The photo is too large. Choose a smaller photo."),
    "damaged": _l("The photo could not be read; it may be damaged. Try another file."),
}


def _overview(page: LogPage) -> str:
    return url_for("log.overview", log_id=page.log_id)


def _presentation(page: LogPage) -> Presentation:
    found = page.snapshot.of_kind(Presentation)
    if not found:
        raise NoAccess(page.log_id)
    return found[0]


@bp.route("/presentasjon/endre", methods=["GET", "POST"])
@login_required()
def edit_presentation(log_id: str) -> Answer:
    """The holder writes «Meg som barnehagebarn / elev»: strengths, challenges and more."""
    page = open_page(log_id, Section.PRESENTATION, record=showing())
    require_write(page, Section.PRESENTATION)
    if not page.viewer.is_holder:
        raise NoAccess(log_id)
    presentation = _presentation(page)
    return run_form(
        page,
        PresentationForm(),
        target=DocRef("presentation", presentation.id),
        make_change=lambda values: Change((presentation.revised(**values),)),
        done=_overview(page) + "#h-presentation",
        message=_("The presentation is saved."),
        heading=_("Change the presentation"),
        nav_back=_overview(page),
        history=DocRef("presentation", presentation.id),
    )


@bp.route("/egne-ord", methods=["GET", "POST"])
@login_required()
def own_words(log_id: str) -> Answer:
    """The child or youth, and the guardians, add their own words to the presentation."""
    page = open_page(log_id, Section.PRESENTATION, record=showing())
    require_write(page, Section.PRESENTATION)
    fields = {"guardian": "guardian_words", "subject": "subject_words", "child": "subject_words"}
    field = fields.get(page.viewer.relation)
    if field is None:
        raise NoAccess(log_id)
    presentation = _presentation(page)
    form = OwnWordsForm(field_name=field)
    form.words.label.text = (
        _("Your own words about yourself")
        if field == "subject_words"
        else _("Your words about the child")
    )
    return run_form(
        page,
        form,
        target=DocRef("presentation", presentation.id),
        make_change=lambda values: Change((presentation.revised(**values),)),
        done=_overview(page) + "#h-presentation",
        message=_("Your words are saved."),
        heading=_("In your own words"),
        nav_back=_overview(page),
    )


@bp.route("/initiativ/endre", methods=["GET", "POST"])
@login_required()
def edit_initiative(log_id: str) -> Answer:
    """Who raised the concern, when and why (the holder)."""
    page = open_page(log_id, Section.OVERVIEW, record=showing())
    require_write(page, Section.OVERVIEW)
    found = page.snapshot.of_kind(Initiative)
    current = found[0] if found else None

    def make(values: dict[str, Any]) -> Change:
        if current is None:
            return Change((Initiative(id=new_document_id(), **values),))
        return Change((current.revised(**values),))

    return run_form(
        page,
        InitiativeForm(today=page.today),
        target=DocRef("initiative", current.id) if current else None,
        make_change=make,
        done=_overview(page) + "#h-initiative",
        message=_("The initiative is saved."),
        heading=_("Who took the initiative, and why"),
        nav_back=_overview(page),
    )


@bp.route("/bilde", methods=["GET", "POST"])
@login_required()
def photo_form(log_id: str) -> Answer:
    """The holder uploads a photo; it is re-encoded so no metadata survives, then sealed."""
    page = open_page(log_id, Section.OVERVIEW, record=showing())
    require_write(page, Section.OVERVIEW)
    if not page.viewer.is_holder:
        raise NoAccess(log_id)
    if request.method == "GET":
        return render_template("log/photo.html", page=page, error=None)
    upload = request.files.get("photo")
    raw = upload.read() if upload else b""
    try:
        photo = clean_photo(raw)
    except PhotoRejected as rejected:
        error = str(PHOTO_PROBLEMS.get(rejected.code, PHOTO_PROBLEMS["damaged"]))
        record_shown(page)  # shown again with the problem: a read
        return render_template("log/photo.html", page=page, error=error), 400
    metadata, files = new_attachment(CleanUpload(photo.data, photo.media_type, "jpg"), "photo")
    # Recorded as the overview, which now points at the new photo.
    change = Change((page.overview.revised(photo=metadata.id), metadata), files=files)
    try:
        save_upload(page, change, raw)
    except DocumentConflict:
        error = _("Someone else changed the overview just now. Upload the photo again.")
        record_shown(page)
        return render_template("log/photo.html", page=page, error=error), 409
    flash(_("The photo is saved."), "success")
    return redirect(_overview(page))


@bp.get("/bilde/<attachment_id>")
@login_required()
def photo(log_id: str, attachment_id: str) -> Response:
    """The subject's photo, for those who may read the overview."""
    data = portal().photo(viewer(), log_id, attachment_id)
    return Response(data, mimetype="image/jpeg")
