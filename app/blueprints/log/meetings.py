"""Meetings: the holder calls one, the minute-taker writes the minutes, the holder approves.

Approved minutes are locked (the change pipeline refuses any change to them);
corrections are amendments shown below them. Calling, cancelling and approving
also post a message in the meeting's thread, so everyone invited sees it there.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypedDict

from flask import url_for
from flask_babel import gettext as _
from wtforms.fields.choices import SelectChoice

from app.access import Section
from app.blueprints.log import bp
from app.blueprints.log.common import (
    Answer,
    document,
    open_page,
    participant_choices,
    record_shown,
    require_write,
    responsible_choices,
    run_form,
    showing,
    viewer,
)
from app.blueprints.log.forms import GUARDIANS, ConfirmForm
from app.blueprints.log.meeting_forms import (
    AmendmentForm,
    CancelForm,
    MeetingChangeForm,
    MeetingForm,
    MinutesFormBase,
    minutes_form_class,
)
from app.documents.base import DocumentBase
from app.documents.meetings import CalendarEntry, Meeting, Message, MinutesAmendment
from app.documents.work import Activity, Goal
from app.gateway import LogPage, NoAccess
from app.gateway.changes import Change
from app.lifecycle.clock import OSLO
from app.logs.ids import new_document_id
from app.logs.layout import DocRef
from app.logs.ordering import next_position
from app.web.page_cache import render_log_page
from app.web.users import login_required


def _page(log_id: str, write: bool = True) -> LogPage:
    """The meetings section; forms need the right to write in it."""
    page = open_page(log_id, Section.MEETINGS, record=showing() or not write)
    if write:
        require_write(page, Section.MEETINGS)
    return page


def _holder_page(log_id: str) -> LogPage:
    """Only the holder calls, changes, cancels and approves meetings (a refusal is no read)."""
    page = open_page(log_id, Section.MEETINGS, record=False)
    require_write(page, Section.MEETINGS)
    if not page.viewer.is_holder:
        raise NoAccess(log_id)
    if showing():
        record_shown(page)
    return page


def _meeting(page: LogPage, meeting_id: str) -> Meeting:
    found = document(page, "meeting", meeting_id)
    if not isinstance(found, Meeting):
        raise NoAccess(page.log_id)
    return found


def _back(page: LogPage, meeting_id: str = "") -> str:
    if meeting_id:
        return url_for("log.meeting", log_id=page.log_id, meeting_id=meeting_id)
    return url_for("log.meetings", log_id=page.log_id)


class _Around(TypedDict):
    done: str
    nav: str
    nav_back: str


def _around(page: LogPage, meeting_id: str = "") -> _Around:
    """Where a meeting form sits: the section, the way back, and where a save lands."""
    back = _back(page, meeting_id)
    return {"done": back, "nav": "meetings", "nav_back": back}


def _thread_of(page: LogPage, meeting: Meeting) -> str | None:
    """The thread the meeting's invitation started, if it has one."""
    for message in page.snapshot.of_kind(Message):
        if message.meeting == meeting.id and message.thread is None:
            return message.id
    return None


def _notice(page: LogPage, meeting: Meeting, purpose: str, subject: str, body: str) -> Message:
    """A message the log sends about a meeting, in its thread, from the viewer."""
    thread = _thread_of(page, meeting)
    return Message(
        id=new_document_id(),
        author=viewer().principal,
        author_role="participant",
        sent_at=datetime.now(UTC),
        subject_line=subject,
        body=body,
        meeting=meeting.id,
        thread=thread,
        purpose=purpose,
        include_subject=meeting.invite_subject if thread is None else False,
    )


@bp.get("/moter")
@login_required()
def meetings(log_id: str) -> str:
    """Coming meetings, held meetings with their minutes, and cancelled ones."""
    page = _page(log_id, write=False)
    return render_log_page(page, "log/meetings.html", nav="meetings")


@bp.get("/moter/<meeting_id>")
@login_required()
def meeting(log_id: str, meeting_id: str) -> str:
    """One meeting: time, place, agenda, minutes and amendments, and what may be done."""
    page = _page(log_id, write=False)
    found = _meeting(page, meeting_id)
    amendments = sorted(
        (a for a in page.snapshot.of_kind(MinutesAmendment) if a.meeting == found.id),
        key=lambda a: a.written_at,
    )
    return render_log_page(
        page,
        "log/meeting.html",
        nav="meetings",
        meeting=found,
        amendments=amendments,
        thread=_thread_of(page, found),
        may_minute=_may_minute(page, found),
    )


@bp.route("/moter/nytt", methods=["GET", "POST"])
@login_required()
def new_meeting(log_id: str) -> Answer:
    """The holder calls a meeting; the invitation is a message and a calendar entry."""
    page = _holder_page(log_id)
    form = MeetingForm(participants=participant_choices(page), today=page.today, new=True)

    def make(values: dict[str, Any]) -> Change:
        values["minute_taker"] = values["minute_taker"] or page.overview.holder
        called = Meeting(id=new_document_id(), called_by=viewer().principal, **values)
        invitation = _notice(
            page,
            called,
            "invitation",
            _("Invitation: %(title)s", title=called.title),
            form.invitation.data or "",
        )
        return Change((called, invitation))

    mine = sorted(page.viewer.participant_ids)
    return run_form(
        page,
        form,
        target=None,
        make_change=make,
        message=_("The meeting is called. The invitation is in the messages."),
        heading=_("Call a meeting"),
        **_around(page),
        save_label=_("Call the meeting"),
        initial={"minute_taker": mine[0] if mine else "", "invite_guardians": "y"},
    )


@bp.route("/moter/<meeting_id>/endre", methods=["GET", "POST"])
@login_required()
def edit_meeting(log_id: str, meeting_id: str) -> Answer:
    """Change the time, place or agenda of a meeting that is still to be held."""
    page = _holder_page(log_id)
    found = _meeting(page, meeting_id)
    if found.status != "planned":
        raise NoAccess(log_id)
    form = MeetingChangeForm(participants=participant_choices(page), today=page.today, new=False)

    def make(values: dict[str, Any]) -> Change:
        changed = found.revised(**values)
        moved = (changed.starts_at, changed.place) != (found.starts_at, found.place)
        if not moved:
            return Change((changed,))
        notice = _notice(
            page, found, "invitation", _("Changed: %(title)s", title=changed.title), ""
        )
        return Change((changed, notice))

    return run_form(
        page,
        form,
        target=DocRef("meeting", meeting_id),
        make_change=make,
        message=_("The meeting is saved."),
        heading=_("Change the meeting"),
        **_around(page, meeting_id),
        history=DocRef("meeting", meeting_id),
    )


def _may_minute(page: LogPage, found: Meeting) -> bool:
    """The minute-taker or the holder writes the minutes, until they are approved."""
    return (
        page.may_write("meetings")
        and found.status != "cancelled"
        and not found.locked
        and found.starts_at.astimezone(OSLO).date() <= page.today
        and (page.viewer.is_holder or found.minute_taker in page.viewer.participant_ids)
    )


def _minutes_maker(
    page: LogPage, found: Meeting, form: MinutesFormBase
) -> Callable[[dict[str, Any]], Change]:
    """The minutes, and the activities agreed at the meeting, as one change."""

    def make(values: dict[str, Any]) -> Change:
        minuted = found.revised(**values, status="held", minutes_by=viewer().principal)
        made: list[DocumentBase] = [minuted]
        activities = page.snapshot.of_kind(Activity)
        day = found.starts_at.astimezone(OSLO).date().strftime("%d.%m.%Y")
        for row in form.new_activities():
            siblings = [a for a in activities if a.goal == row["goal"]] + [
                a for a in made if isinstance(a, Activity) and a.goal == row["goal"]
            ]
            by_guardians = row["responsible"] == GUARDIANS
            made.append(
                Activity(
                    id=new_document_id(),
                    goal=row["goal"],
                    title=row["title"],
                    responsible=page.overview.holder if by_guardians else row["responsible"],
                    responsible_is_guardian=by_guardians,
                    deadline=row["deadline"],
                    created_by=viewer().principal,
                    position=next_position(siblings),
                    body=_("Agreed at a meeting on %(day)s.", day=day),
                )
            )
        return Change(tuple(made))

    return make


@bp.route("/moter/<meeting_id>/referat", methods=["GET", "POST"])
@login_required()
def minutes(log_id: str, meeting_id: str) -> Answer:
    """The minute-taker writes who attended and what was agreed, item by item."""
    page = _page(log_id)
    found = _meeting(page, meeting_id)
    if not _may_minute(page, found):
        raise NoAccess(log_id)
    form = minutes_form_class(found.agenda)(
        participants=participant_choices(page),
        goals=[SelectChoice(g.id, g.title) for g in page.snapshot.of_kind(Goal)],
        responsible=responsible_choices(page),
        today=page.today,
    )
    return run_form(
        page,
        form,
        target=DocRef("meeting", meeting_id),
        make_change=_minutes_maker(page, found, form),
        message=_("The minutes are saved. The holder approves them when they are ready."),
        heading=_("Minutes: %(title)s", title=found.title),
        **_around(page, meeting_id),
        history=DocRef("meeting", meeting_id),
    )


@bp.route("/moter/<meeting_id>/godkjenn", methods=["GET", "POST"])
@login_required()
def approve(log_id: str, meeting_id: str) -> Answer:
    """The holder approves the minutes: they are locked and sent as a message."""
    page = _holder_page(log_id)
    found = _meeting(page, meeting_id)
    if found.status != "held" or found.locked:
        raise NoAccess(log_id)

    def make(_values: dict[str, Any]) -> Change:
        now = datetime.now(UTC)
        approved = found.revised(approved_at=now, approved_by=viewer().principal)
        sent = _notice(
            page, found, "minutes", _("Approved minutes: %(title)s", title=found.title), ""
        )
        made: list[DocumentBase] = [approved, sent]
        if found.next_meeting_at is not None:
            made.append(
                CalendarEntry(
                    id=new_document_id(),
                    title=_("Next meeting"),
                    starts_at=found.next_meeting_at,
                    place=found.place,
                    from_meeting=found.id,
                )
            )
        return Change(tuple(made))

    return run_form(
        page,
        ConfirmForm(),
        target=DocRef("meeting", meeting_id),
        make_change=make,
        message=_("The minutes are approved and locked."),
        heading=_("Approve the minutes of «%(title)s»", title=found.title),
        intro=_(
            "Approved minutes are locked: nobody can change them afterwards, only add a "
            "dated amendment below them. Everyone in the log gets them as a message."
        ),
        shown=found,
        **_around(page, meeting_id),
        save_label=_("Approve the minutes"),
    )


@bp.route("/moter/<meeting_id>/avlys", methods=["GET", "POST"])
@login_required()
def cancel(log_id: str, meeting_id: str) -> Answer:
    """The holder cancels a meeting that is still to be held; its history is kept."""
    page = _holder_page(log_id)
    found = _meeting(page, meeting_id)
    if found.status != "planned":
        raise NoAccess(log_id)

    def make(values: dict[str, Any]) -> Change:
        reason = (values.get("reason") or "").strip()
        cancelled = found.revised(
            status="cancelled", cancelled_at=datetime.now(UTC), cancel_reason=reason
        )
        notice = _notice(
            page, found, "cancellation", _("Cancelled: %(title)s", title=found.title), reason
        )
        return Change((cancelled, notice))

    return run_form(
        page,
        CancelForm(),
        target=DocRef("meeting", meeting_id),
        make_change=make,
        message=_("The meeting is cancelled. Everyone invited gets a message."),
        heading=_("Cancel «%(title)s»", title=found.title),
        **_around(page, meeting_id),
        save_label=_("Cancel the meeting"),
    )


@bp.route("/moter/<meeting_id>/tillegg", methods=["GET", "POST"])
@login_required()
def amend(log_id: str, meeting_id: str) -> Answer:
    """A dated, signed amendment below approved minutes (by the holder or the minute-taker)."""
    page = _page(log_id)
    found = _meeting(page, meeting_id)
    minute_taker = found.minute_taker in page.viewer.participant_ids
    if not found.locked or not (page.viewer.is_holder or minute_taker):
        raise NoAccess(log_id)
    mine = sorted(page.viewer.participant_ids)

    def make(values: dict[str, Any]) -> Change:
        amendment = MinutesAmendment(
            id=new_document_id(),
            meeting=found.id,
            written_by=viewer().principal,
            author=mine[0] if mine else None,
            written_at=datetime.now(UTC),
            body=values["body"],
        )
        return Change((amendment,))

    return run_form(
        page,
        AmendmentForm(),
        target=None,
        make_change=make,
        message=_("The amendment is saved below the minutes."),
        heading=_("Amendment to the minutes of «%(title)s»", title=found.title),
        **_around(page, meeting_id),
    )
