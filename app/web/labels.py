"""Translated labels for stored vocabulary values, and date formatting, for templates."""

from __future__ import annotations

import re
import secrets
from datetime import UTC, date, datetime
from typing import Any

from flask import Flask
from flask_babel import format_date, format_datetime
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from app.documents.fields import Arena
from app.documents.fnr import birth_date_of
from app.documents.registry import MODELS
from app.logs.coverage import services_covered
from app.logs.deadlines import due_items, open_activities
from app.logs.layout import DocRef
from app.rendering import render_markdown
from app.web.forms import ROLE_LABELS, SERVICE_LABELS
from app.web.users import current_user
from app.writing import Advice

STATUS = {
    "pending": _l("Waiting for consent"),
    "blocked": _l("Blocked"),
    "active": _l("Active"),
    "passive": _l("Passive"),
    "closed": _l("Closed"),
    "archived": _l("Archived"),
}
RELATION = {
    "holder": _l("Holder"),
    "participant": _l("Participant"),
    "guardian": _l("Guardian"),
    "subject": _l("The log is about me"),
    "own view": _l("The log is about me"),
    "archive": _l("Archive"),
}
ARENA = {
    "home_leisure": _l("At home and in leisure time"),
    "kindergarten_school": _l("In kindergarten or school"),
    "other_partners": _l("With other partners"),
}
GOAL_STATUS = {
    "active": _l("Working on it"),
    "reached": _l("Reached"),
    "discontinued": _l("Discontinued"),
}
ACTIVITY_STATUS = {
    "planned": _l("Planned"),
    "ongoing": _l("Ongoing"),
    "completed": _l("Completed"),
    "cancelled": _l("Cancelled"),
}
DECISION = {
    "continue": _l("Continue as before"),
    "change": _l("Change the activity"),
    "stop": _l("Stop the activity"),
    "involve_others": _l("Involve others"),
}
HISTORY_ACTION = {
    "create_log": _l("Created the log"),
    "save": _l("Changed"),
    "delete": _l("Deleted"),
    "restore": _l("Restored an old version"),
    "attach": _l("Added a file"),
    "handover": _l("Handed over the baton"),
    "change_status": _l("Changed the status"),
    "migrate": _l("Brought the documents up to date (no change of content)"),
}
KIND = {
    "log": _l("The overview"),
    "presentation": _l("The presentation"),
    "initiative": _l("The initiative"),
    "goal": _l("Goal"),
    "activity": _l("Activity"),
    "evaluation": _l("Evaluation or comment"),
    "meeting": _l("Meeting"),
    "amendment": _l("Amendment to the minutes"),
    "message": _l("Message"),
    "calendar_entry": _l("Calendar entry"),
    "participant": _l("Participant"),
    "consent": _l("Consent"),
    "guardian": _l("Guardian"),
    "attachment": _l("File"),
    "level_change": _l("Change of level"),
    "baton_handover": _l("Handover of the baton"),
    "status_change": _l("Change of state"),
    "consent_request": _l("Consent request"),
    "deletion_request": _l("Deletion request"),
    "archive_delivery": _l("Delivery to the archive"),
}
FIELD = {
    "title": _l("Title"),
    "body": _l("Text"),
    "status": _l("Status"),
    "arena": _l("Arena"),
    "position": _l("Place in the list"),
    "deadline": _l("Deadline"),
    "evaluate_on": _l("Evaluation date"),
    "responsible": _l("Responsible"),
    "responsible_is_guardian": _l("The guardians are responsible"),
    "worked": _l("What worked?"),
    "did_not_work": _l("What did not work?"),
    "why": _l("Why?"),
    "decision": _l("Decision"),
    "strengths": _l("Strengths"),
    "challenges": _l("Challenges"),
    "social": _l("Social"),
    "emotional": _l("Emotional"),
    "academic": _l("Academic"),
    "subject_words": _l("In my own words"),
    "guardian_words": _l("The guardians' words"),
    "raised_by": _l("Who raised the concern?"),
    "raised_on": _l("When?"),
    "subject_given_name": _l("Given name"),
    "subject_family_name": _l("Family name"),
    "subject_birth_date": _l("Date of birth"),
    "level": _l("BTI level"),
}
SECTION = {
    "overview": _l("Overview"),
    "presentation": _l("Presentation"),
    "access_log": _l("Who has seen the log"),
    "work": _l("Goals and activities"),
    "meetings": _l("Meetings and messages"),
    "participants": _l("Participants"),
    "consents": _l("Consents"),
    "attachments": _l("Documents"),
    "history": _l("History"),
}
ACCESS_ACTION = {
    "write": _l("changed"),
    "lookup": _l("tried to start a new log and was told this one exists"),
    "download": _l("downloaded a document"),
    "export": _l("exported the full history for the archive"),
    "print": _l("downloaded the log as it stood when it was closed"),
    "archive": _l("filed approved minutes and consents to the archive"),
    "delete": _l("deleted"),
    "restore": _l("restored an old version"),
}
CONSENT_PURPOSE = {
    "create": _l("Starting the log"),
    "new_service": _l("A new service"),
    "transition": _l("A transition (for example from kindergarten to school)"),
    "renewal": _l("Renewal"),
    "insight": _l("Insight into the log for a service"),
    "reopen": _l("Reopening the log"),
}
CLOSING_REASON = {
    "goals_reached": _l("The goals are reached"),
    "individual_plan": _l("An individual plan (IP) takes over"),
    "consent_withdrawn": _l("Consent was withdrawn"),
    "moved_away": _l("The child moved away"),
    "deletion_demanded": _l("Deletion was demanded"),
    "other": _l("Other reason"),
}
STEP = {
    "activate": _l("Consent in place: the log is active"),
    "make_passive": _l("All consent withdrawn: the log is passive"),
    "reactivate": _l("New consent: the log is active again"),
    "close": _l("The log was closed"),
    "reopen": _l("The log was reopened"),
    "archive": _l("The log was archived"),
    "block": _l("The log was blocked"),
}
# An address a mail link may carry: no ?, &, % or spaces that could add recipients or headers.
PLAIN_EMAIL = re.compile(r"[A-Za-z0-9._+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+\Z")
RAISED_BY = {
    "staff": _l("A member of staff"),
    "guardian": _l("The guardians"),
    "subject": _l("The child or youth"),
    "other": _l("Someone else"),
}


def advice_text(advice: Advice) -> str:
    """A plain-language tip in the user's language."""
    if advice.code == "abbreviation":
        return str(
            _l(
                "«%(short)s» is an abbreviation. Write «%(full)s», or explain it.",
                short=advice.text,
                full=advice.suggestion,
            )
        )
    if advice.code == "long_sentence":
        return str(
            _l(
                "A sentence has %(count)s words: «%(start)s». Try to split it (at most 25 words).",
                count=advice.suggestion,
                start=advice.text,
            )
        )
    return str(
        _l(
            "The text is hard to read (LIX %(score)s). Use shorter sentences and shorter words.",
            score=advice.text,
        )
    )


def entry_title(page: Any, ref: DocRef) -> str:
    """A readable name for a document in the history: its title, or what kind it is."""
    document = page.snapshot.documents.get(ref)
    title = getattr(document, "title", None) if ref.kind in ("goal", "activity") else None
    if title:
        return str(title)
    label = str(KIND.get(ref.kind, ref.kind))
    return (
        label
        if document is not None or ref.kind in ("log", "presentation")
        else str(_l("%(what)s (deleted)", what=label))
    )


BASIS = {
    "youth": _l("The log is about me"),
    "start": _l("Started the log"),
    "start:exists": _l("Tried to start a log"),
    "handover:receiver": _l("Offered the baton"),
    "unit_leader:handover": _l("Unit leader"),
    "pending:holder": _l("Holder"),
    "pending:family": _l("Guardian"),
    "coordinator": _l("Coordinator"),
    "unit_leader:overview": _l("Unit leader"),
    "holder:reopen": _l("Holder, asking to reopen the log"),
}


def _basis(value: str) -> str:
    if value.startswith("consent:"):
        return str(_l("Consent for the service"))
    return str(BASIS.get(value) or RELATION.get(value, value))


def _date(value: date | None) -> str:
    return "" if value is None else format_date(value, "long")


def _month(value: date) -> str:
    return str(format_date(value, "LLLL y")).capitalize()


def _time(value: datetime) -> str:
    return str(format_datetime(value, "HH:mm"))


def _datetime(value: datetime | None) -> str:
    return "" if value is None else format_datetime(value, "d. MMMM y 'kl.' HH:mm")


def _markdown(text: str | None) -> Markup:
    """The one trusted markup in templates: Markdown after raw-HTML-off parsing and nh3."""
    return Markup(render_markdown(text or ""))  # noqa: S704 (sanitized by nh3 in render_markdown)


def init_app(app: Flask) -> None:
    """Register label functions, filters and the document classes for templates."""
    lookups = {
        "status_label": STATUS,
        "relation_label": RELATION,
        "arena_label": ARENA,
        "goal_status_label": GOAL_STATUS,
        "activity_status_label": ACTIVITY_STATUS,
        "service_label": SERVICE_LABELS,
        "role_label": ROLE_LABELS,
        "section_label": SECTION,
        "raised_by_label": RAISED_BY,
        "decision_label": DECISION,
        "access_action_label": ACCESS_ACTION,
        "history_action_label": HISTORY_ACTION,
        "kind_label": KIND,
        "field_label": FIELD,
        "purpose_label": CONSENT_PURPOSE,
        "closing_reason_label": CLOSING_REASON,
        "step_label": STEP,
    }
    for name, table in lookups.items():
        function = (lambda t: lambda value: str(t.get(value, value)))(table)
        app.jinja_env.globals[name] = function
        app.jinja_env.filters[name] = function
    app.jinja_env.filters["markdown"] = _markdown
    app.jinja_env.globals["basis_label"] = _basis
    app.jinja_env.globals["advice_text"] = advice_text
    app.jinja_env.globals["due_items"] = due_items
    app.jinja_env.globals["open_activities"] = open_activities
    app.jinja_env.globals["services_covered"] = services_covered
    app.jinja_env.globals["now_utc"] = lambda: datetime.now(UTC)
    app.jinja_env.globals["doc_ref"] = DocRef
    app.jinja_env.filters["birth_date_of"] = birth_date_of
    app.jinja_env.globals["entry_title"] = entry_title
    app.jinja_env.tests["plain_email"] = lambda value: bool(PLAIN_EMAIL.fullmatch(str(value)))
    app.jinja_env.globals["new_form_key"] = lambda: secrets.token_urlsafe(18)
    app.jinja_env.filters["format_date"] = _date
    app.jinja_env.filters["format_datetime"] = _datetime
    app.jinja_env.filters["format_month"] = _month
    app.jinja_env.filters["format_time"] = _time
    app.jinja_env.globals["current_user"] = current_user
    app.jinja_env.globals["arenas"] = list(Arena)
    for model in MODELS.values():  # templates select documents by model: of_kind(Goal)
        app.jinja_env.globals[model.__name__] = model
