"""Goals and activities per arena, evaluations and comments, reordering and deleting."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from app.access import Action, Section, UserKind
from app.blueprints.context import portal
from app.blueprints.log import bp
from app.blueprints.log.common import (
    Answer,
    author_role,
    document,
    document_or_version,
    open_page,
    require_write,
    responsible_choices,
    run_form,
    showing,
    submission_key,
    viewer,
)
from app.blueprints.log.forms import (
    GUARDIANS,
    ActivityForm,
    CommentForm,
    EvaluationForm,
    GoalForm,
)
from app.documents.base import DocumentBase
from app.documents.fields import Arena
from app.documents.work import Activity, Evaluation, Goal
from app.gateway import LogPage, NoAccess
from app.gateway.changes import Change, DocumentConflict
from app.logs.events import Action as Event
from app.logs.ids import new_document_id
from app.logs.layout import DocRef
from app.logs.ordering import moved, next_position, ordered
from app.web.page_cache import render_log_page
from app.web.users import current_service, login_required

_TARGET_KINDS = ("goal", "activity")


def _work_page(log_id: str) -> LogPage:
    """The work section for a form: the viewer must be allowed to write in it."""
    page = open_page(log_id, Section.WORK, record=showing())
    require_write(page, Section.WORK)
    return page


def _planning_page(log_id: str) -> LogPage:
    """Goals and activities are planned by staff, guardians and the youth; not by a child."""
    page = _work_page(log_id)
    if page.viewer.relation == "child":
        raise NoAccess(page.log_id)
    return page


def _back(page: LogPage, anchor: str = "") -> str:
    return url_for("log.work", log_id=page.log_id) + (f"#{anchor}" if anchor else "")


@bp.get("/mal")
@login_required()
def work(log_id: str) -> str:
    """Goals per arena with their activities, evaluations and comments."""
    page = open_page(log_id, Section.WORK)
    return render_log_page(
        page,
        "log/work.html",
        nav="work",
        arenas=list(Arena),
        ordered=ordered,
        evaluable=_may_evaluate,
    )


@bp.route("/mal/nytt", methods=["GET", "POST"])
@login_required()
def new_goal(log_id: str) -> Answer:
    """Add a goal in an arena."""
    page = _planning_page(log_id)
    form = GoalForm()
    if request.method == "GET" and request.args.get("arena") in {a.value for a in Arena}:
        form.arena.default = request.args["arena"]

    def make(values: dict[str, Any]) -> Change:
        goals = [g for g in page.snapshot.of_kind(Goal) if g.arena.value == values["arena"]]
        goal = Goal(
            id=new_document_id(),
            created_by=viewer().principal,
            position=next_position(goals),
            **values,
        )
        return Change((goal,))

    return run_form(
        page,
        form,
        target=None,
        make_change=make,
        done=_back(page),
        message=_("The goal is saved."),
        heading=_("New goal"),
        initial={"arena": form.arena.default or ""},
    )


@bp.route("/mal/<goal_id>/endre", methods=["GET", "POST"])
@login_required()
def edit_goal(log_id: str, goal_id: str) -> Answer:
    """Change a goal's title, arena, status or description."""
    page = _planning_page(log_id)
    goal = document_or_version(page, "goal", goal_id)
    return run_form(
        page,
        GoalForm(),
        target=DocRef("goal", goal_id),
        make_change=lambda values: Change((goal.revised(**values),)),
        done=_back(page, f"goal-{goal_id}"),
        message=_("The goal is saved."),
        heading=_("Change the goal"),
        history=DocRef("goal", goal_id),
    )


@bp.route("/mal/<goal_id>/tiltak/nytt", methods=["GET", "POST"])
@login_required()
def new_activity(log_id: str, goal_id: str) -> Answer:
    """Add an activity to a goal: who does what, by when."""
    page = _planning_page(log_id)
    goal = document(page, "goal", goal_id)
    form = ActivityForm(responsible=responsible_choices(page), new=True, today=page.today)

    def make(values: dict[str, Any]) -> Change:
        siblings = [a for a in page.snapshot.of_kind(Activity) if a.goal == goal.id]
        activity = Activity(
            id=new_document_id(),
            goal=goal.id,
            created_by=viewer().principal,
            position=next_position(siblings),
            **{"responsible": page.overview.holder, **values},
        )
        return Change((activity,))

    mine = sorted(page.viewer.participant_ids)
    return run_form(
        page,
        form,
        target=None,
        make_change=make,
        done=_back(page, f"goal-{goal_id}"),
        message=_("The activity is saved."),
        heading=_("New activity for «%(goal)s»", goal=goal.title),  # type: ignore[attr-defined]
        initial={"responsible": mine[0] if mine else GUARDIANS},
    )


@bp.route("/tiltak/<activity_id>/endre", methods=["GET", "POST"])
@login_required()
def edit_activity(log_id: str, activity_id: str) -> Answer:
    """Change an activity."""
    page = _planning_page(log_id)
    activity = document_or_version(page, "activity", activity_id)
    form = ActivityForm(responsible=responsible_choices(page), new=False, today=page.today)
    return run_form(
        page,
        form,
        target=DocRef("activity", activity_id),
        make_change=lambda values: Change((activity.revised(**values),)),
        done=_back(page, f"activity-{activity_id}"),
        message=_("The activity is saved."),
        heading=_("Change the activity"),
        history=DocRef("activity", activity_id),
    )


def _author_fields(page: LogPage) -> dict[str, Any]:
    """Who writes an evaluation or comment, as ids only."""
    user = viewer()
    mine = sorted(page.viewer.participant_ids)
    return {
        "written_by": user.principal,
        "author_role": author_role(page),
        "author": mine[0] if user.kind == UserKind.STAFF and mine else None,
        "written_on": datetime.now(UTC).date(),
    }


def _note_maker(page: LogPage, entry: str, target: DocRef) -> Callable[[dict[str, Any]], Change]:
    """How a submitted evaluation or comment becomes a new document about ``target``."""

    def make(values: dict[str, Any]) -> Change:
        note = Evaluation(
            id=new_document_id(),
            entry=entry,
            target_kind=target.kind,
            target=target.id,
            **_author_fields(page),
            **values,
        )
        return Change((note,))

    return make


def _may_evaluate(page: LogPage, activity: Activity) -> bool:
    """The responsible evaluates their own activity; the holder may evaluate any."""
    if activity.responsible_is_guardian:
        return page.viewer.relation in ("guardian", "subject")
    return page.viewer.is_holder or activity.responsible in page.viewer.participant_ids


@bp.route("/tiltak/<activity_id>/evaluer", methods=["GET", "POST"])
@login_required()
def evaluate(log_id: str, activity_id: str) -> Answer:
    """Evaluate an activity: what worked, what did not, why, and what happens next."""
    page = _work_page(log_id)
    activity = document(page, "activity", activity_id)
    assert isinstance(activity, Activity)
    if not _may_evaluate(page, activity):
        raise NoAccess(log_id)

    return run_form(
        page,
        EvaluationForm(),
        target=None,
        make_change=_note_maker(page, "evaluation", DocRef("activity", activity.id)),
        done=_back(page, f"activity-{activity_id}"),
        message=_("The evaluation is saved."),
        heading=_("Evaluate «%(title)s»", title=activity.title),
    )


@bp.route("/kommentar/<kind>/<target_id>", methods=["GET", "POST"])
@login_required()
def comment(log_id: str, kind: str, target_id: str) -> Answer:
    """Comment on a goal or an activity."""
    if kind not in _TARGET_KINDS:
        raise NoAccess(log_id)
    page = _work_page(log_id)
    target = document(page, kind, target_id)

    return run_form(
        page,
        CommentForm(),
        target=None,
        make_change=_note_maker(page, "comment", DocRef(kind, target_id)),
        done=_back(page, f"{kind}-{target_id}"),
        message=_("The comment is saved."),
        heading=_("Comment on «%(title)s»", title=target.title),  # type: ignore[attr-defined]
    )


@bp.post("/flytt/<kind>/<doc_id>")
@login_required()
def move(log_id: str, kind: str, doc_id: str) -> Response:
    """Move a goal or an activity one place up or down in its list."""
    if kind not in _TARGET_KINDS:
        raise NoAccess(log_id)
    page = _planning_page(log_id)
    item = document(page, kind, doc_id)
    if isinstance(item, Goal):
        siblings: list[Any] = [g for g in page.snapshot.of_kind(Goal) if g.arena == item.arena]
    else:
        siblings = [a for a in page.snapshot.of_kind(Activity) if a.goal == item.goal]  # type: ignore[attr-defined]
    changed = moved(siblings, doc_id, up=request.form.get("direction") == "up")
    if changed:
        try:
            portal().change(
                viewer(),
                log_id,
                Change(tuple(changed)),
                expected_revision=request.form.get("revision", ""),
                form_key=submission_key(request.form.get("form_key", "")),
                service=current_service(),
            )
        except DocumentConflict:
            flash(_("Someone else changed the list just now. Look at it again and try once more."))
            return redirect(_back(page, f"{kind}-{doc_id}"))
        flash(_("The order is saved."), "success")
    return redirect(_back(page, f"{kind}-{doc_id}"))


def _cascade(page: LogPage, item: DocumentBase) -> list[DocumentBase]:
    """The document and everything that belongs to it (activities, evaluations, comments)."""
    docs = page.snapshot
    found: list[DocumentBase] = [item]
    if isinstance(item, Goal):
        activities = [a for a in docs.of_kind(Activity) if a.goal == item.id]
        found += activities
        ids = {item.id, *(a.id for a in activities)}
    else:
        ids = {item.id}
    found += [e for e in docs.of_kind(Evaluation) if e.target in ids and e.id != item.id]
    return found


def _author(doc: DocumentBase) -> str | None:
    return getattr(doc, "created_by", None) or getattr(doc, "written_by", None)


@bp.route("/slett/<kind>/<doc_id>", methods=["GET", "POST"])
@login_required()
def delete(log_id: str, kind: str, doc_id: str) -> Answer:
    """Delete a goal, activity, evaluation or comment after confirmation (kept in history)."""
    if kind not in (*_TARGET_KINDS, "evaluation"):
        raise NoAccess(log_id)
    page = _work_page(log_id)
    item = document(page, kind, doc_id)
    doomed = _cascade(page, item)
    allowed = all(page.may_delete("work", _author(d)) for d in doomed)
    if request.method == "GET" or not allowed:
        if request.method == "POST":
            raise NoAccess(log_id)
        return render_template(
            "log/confirm_delete.html", page=page, item=item, doomed=doomed, allowed=allowed
        )
    refs = tuple(DocRef(d.kind, d.id) for d in doomed)  # type: ignore[attr-defined]
    try:
        portal().change(
            viewer(),
            log_id,
            Change(deletions=refs, action=Action.WRITE, event=Event.DELETE),
            expected_revision=request.form.get("revision", ""),
            form_key=request.form.get("form_key", ""),
            service=current_service(),
        )
    except DocumentConflict:
        page = open_page(log_id, Section.WORK, record=True)
        return render_template(
            "log/confirm_delete.html",
            page=page,
            item=document(page, kind, doc_id),
            doomed=_cascade(page, document(page, kind, doc_id)),
            allowed=True,
            changed=True,
        ), 409
    flash(_("Deleted. It can still be found in the history."), "success")
    return redirect(_back(page))
