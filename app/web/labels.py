"""Translated labels for stored vocabulary values, and date formatting, for templates."""

from __future__ import annotations

from datetime import date, datetime

from flask import Flask
from flask_babel import format_date, format_datetime
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from app.documents.fields import Arena
from app.documents.registry import MODELS
from app.rendering import render_markdown
from app.web.forms import ROLE_LABELS, SERVICE_LABELS
from app.web.users import current_user

STATUS = {
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
SECTION = {
    "overview": _l("Overview"),
    "access_log": _l("Who has seen the log"),
    "work": _l("Goals and activities"),
    "meetings": _l("Meetings and messages"),
}
RAISED_BY = {
    "staff": _l("A member of staff"),
    "guardian": _l("The guardians"),
    "subject": _l("The child or youth"),
    "other": _l("Someone else"),
}


def _basis(value: str) -> str:
    if value.startswith("consent:"):
        return str(_l("Consent for the service"))
    return str(RELATION.get(value, value))


def _date(value: date | None) -> str:
    return "" if value is None else format_date(value, "long")


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
    }
    for name, table in lookups.items():
        function = (lambda t: lambda value: str(t.get(value, value)))(table)
        app.jinja_env.globals[name] = function
        app.jinja_env.filters[name] = function
    app.jinja_env.filters["markdown"] = _markdown
    app.jinja_env.globals["basis_label"] = _basis
    app.jinja_env.filters["format_date"] = _date
    app.jinja_env.filters["format_datetime"] = _datetime
    app.jinja_env.globals["current_user"] = current_user
    app.jinja_env.globals["arenas"] = list(Arena)
    for model in MODELS.values():  # templates select documents by model: of_kind(Goal)
        app.jinja_env.globals[model.__name__] = model
