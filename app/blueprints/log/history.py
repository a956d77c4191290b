"""History: who changed what and when, comparing two versions word by word, restoring."""

from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from app.access import Section
from app.blueprints.context import portal
from app.blueprints.log import bp
from app.blueprints.log.common import Answer, open_page, url_ref, viewer
from app.blueprints.log.forms import TEXT_MAX
from app.documents.base import DocumentBase
from app.gateway import LogPage, NoAccess
from app.gateway.changes import DocumentConflict
from app.logs.layout import DocRef
from app.rendering import render_markdown
from app.web.i18n import select_locale
from app.web.users import current_service, login_required
from app.writing import advise


@bp.get("/historikk")
@login_required()
def history(log_id: str) -> str:
    """Every change to what the viewer may read, newest first."""
    items = portal().log_history(viewer(), log_id, service=current_service())
    page = open_page(log_id, Section.OVERVIEW, record=False)
    return render_template("log/history.html", page=page, items=items, nav="history")


@bp.get("/historikk/<kind>/<doc_id>")
@login_required()
def document_history(log_id: str, kind: str, doc_id: str) -> str:
    """The versions of one entry, with a form to compare any two."""
    ref = url_ref(log_id, kind, doc_id)
    items = portal().document_history(viewer(), log_id, ref, service=current_service())
    if not items:
        raise NoAccess(log_id)
    page = open_page(log_id, Section.OVERVIEW, record=False)
    old, new = request.args.get("fra"), request.args.get("til")
    if old is None or new is None:
        new = items[0].revision
        old = items[1].revision if len(items) > 1 else items[0].revision
    revisions = {item.revision for item in items}
    if old not in revisions or new not in revisions:
        raise NoAccess(log_id)
    fields = portal().compare(viewer(), log_id, ref, old, new)
    current = page.snapshot.documents.get(ref)
    return render_template(
        "log/document_history.html",
        page=page,
        nav="history",
        ref=ref,
        items=items,
        old=old,
        new=new,
        fields=fields,
        current=current,
        may_restore=may_restore(page, ref),
    )


def may_restore(page: LogPage, ref: DocRef, old: DocumentBase | None = None) -> bool:
    """Who may bring back an old version: the same people who may change it now.

    Goals and activities: those who plan (not a child). Evaluations and comments:
    their author, or the holder. The presentation and the initiative: the holder.
    """
    if ref.kind in ("goal", "activity"):
        return page.may_write("work") and page.viewer.relation != "child"
    if ref.kind == "evaluation":
        authors = {getattr(d, "written_by", None) for d in (old, page.snapshot.documents.get(ref))}
        return page.may_write("work") and (
            page.viewer.is_holder or any(page.wrote(a) for a in authors if a)
        )
    if ref.kind == "presentation":
        return page.may_write("presentation") and page.viewer.is_holder
    if ref.kind == "initiative":
        return page.may_write("overview")
    return False


@bp.post("/historikk/<kind>/<doc_id>/gjenopprett")
@login_required()
def restore(log_id: str, kind: str, doc_id: str) -> Answer:
    """Bring an old version back as a new change; the history keeps everything."""
    ref = url_ref(log_id, kind, doc_id)
    page = open_page(log_id, Section.OVERVIEW, record=False)
    version = request.form.get("version", "")
    if not may_restore(page, ref, portal().read_version(viewer(), log_id, ref, version)):
        raise NoAccess(log_id)
    try:
        portal().restore(
            viewer(),
            log_id,
            ref,
            version,
            expected_revision=request.form.get("revision", ""),
            form_key=request.form.get("form_key", ""),
            service=current_service(),
        )
    except DocumentConflict:
        flash(_("Someone else changed this just now. Look at the versions again."))
        return redirect(url_for("log.document_history", log_id=log_id, kind=kind, doc_id=doc_id))
    flash(_("The old version is restored as a new change."), "success")
    return redirect(url_for("log.document_history", log_id=log_id, kind=kind, doc_id=doc_id))


@bp.post("/forhandsvis")
@login_required()
def preview(log_id: str) -> Response:
    """Live preview for the editor's script: sanitised HTML and plain-language tips."""
    open_page(log_id, Section.OVERVIEW, record=False)  # only for those who may open the log
    from app.web.labels import advice_text

    text = request.form.get("text", "")
    if len(text) > TEXT_MAX:  # the longest a field may be; a preview is no way round it
        return Response(status=413)
    language = "nn" if select_locale() == "nn" else "nb"
    return jsonify(
        html=render_markdown.__wrapped__(text),  # a draft is rendered, never kept in the cache
        advice=[advice_text(a) for a in advise(text, language)],
        heading=_("Tips for plain language"),
        note=_("These are only tips: you can save as it is."),
        preview=_("Preview"),
    )
