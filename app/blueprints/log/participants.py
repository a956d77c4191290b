"""Participants: the holder invites staff from the directory or adds an external person,
and ends a participation; each participant keeps their own contact details.

A participant whose service no consent covers is added but sees nothing until
a consent does (the access decision says so; the page tells the holder).
Ending a participation takes effect at once: the next request is refused.
"""

from __future__ import annotations

import secrets
from typing import Any

from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired, Optional, Regexp, ValidationError

from app.access import Action, Section
from app.blueprints.context import portal
from app.blueprints.log import bp
from app.blueprints.log.common import (
    Answer,
    document,
    open_page,
    record_shown,
    run_form,
    showing,
    viewer,
)
from app.blueprints.log.forms import (
    TITLE_MAX,
    ConfirmForm,
    DocumentForm,
    _at_most,
    _choices,
    _required,
)
from app.documents.base import DocumentBase
from app.documents.people import Notifications, Participant
from app.gateway import LogPage, NoAccess
from app.gateway.changes import Change
from app.logs.ids import new_document_id
from app.logs.layout import DocRef
from app.web.forms import SERVICE_LABELS
from app.web.labels import PLAIN_EMAIL
from app.web.page_cache import render_log_page
from app.web.users import login_required


class _ContactFields(DocumentForm):
    """Contact details and what the participant wants to be told about."""

    text_fields = ()
    job_title = StringField(_l("Role or job title"), validators=[Optional(), _at_most(TITLE_MAX)])
    email = StringField(
        _l("E-mail"),
        validators=[
            Optional(),
            _at_most(254),
            Email(message=_l("Write a valid e-mail address.")),
            Regexp(PLAIN_EMAIL, message=_l("Write a valid e-mail address.")),
        ],
    )
    phone = StringField(_l("Mobile"), validators=[Optional(), _at_most(40)])
    notify_messages = BooleanField(_l("Tell me about new messages"), default=True)
    notify_calendar = BooleanField(_l("Tell me about new calendar entries"), default=True)
    notify_comments = BooleanField(_l("Tell me about comments on my activities"))

    def values_of(self, document: DocumentBase | None) -> dict[str, str]:
        """Form strings of a participant's details."""
        if not isinstance(document, Participant):
            return {}
        values = {"job_title": document.job_title, "email": document.email, "phone": document.phone}
        for name in ("messages", "calendar", "comments"):
            if getattr(document.notifications, name):
                values[f"notify_{name}"] = "y"
        return values

    def changes(self) -> dict[str, Any]:
        """Details and notification choices."""
        return {
            "job_title": (self.job_title.data or "").strip(),
            "email": (self.email.data or "").strip(),
            "phone": (self.phone.data or "").strip(),
            "notifications": Notifications(
                messages=bool(self.notify_messages.data),
                calendar=bool(self.notify_calendar.data),
                comments=bool(self.notify_comments.data),
            ),
        }


class OwnDetailsForm(_ContactFields):
    """A participant's own contact details and notification choices."""


class ExternalForm(_ContactFields):
    """Someone outside the municipal directory: name, service, role, e-mail, mobile."""

    name = StringField(_l("Name"), validators=[_required(), _at_most(TITLE_MAX)])
    service = SelectField(_l("Service"), choices=_choices(SERVICE_LABELS), default="other")

    def field_names(self) -> list[str]:
        """Name and service first."""
        rest = [n for n in super().field_names() if n not in ("name", "service")]
        return ["name", "service", *rest]

    def changes(self) -> dict[str, Any]:
        """Details, name and service."""
        return {**super().changes(), "name": self.name.data.strip(), "service": self.service.data}


class _StaffField(SelectField):  # type: ignore[misc]
    """The directory's choice; someone who already takes part gets a message of their own."""

    def pre_validate(self, form: InviteForm) -> None:
        """Say so when the chosen person already takes part (they are not in the list)."""
        if self.data and self.data in form.taking_part:
            raise ValidationError(_l("This person already takes part in the log."))
        super().pre_validate(form)


class InviteForm(DocumentForm):
    """A member of staff from the directory, found by name or unit."""

    text_fields = ()
    search = StringField(
        _l("Search by name or unit"),
        description=_l("Write part of a name or a unit, then press Search."),
        validators=[Optional(), _at_most(100)],
    )
    staff = _StaffField(_l("Member of staff"), validators=[InputRequired(_l("Choose a person."))])
    taking_part: frozenset[str] = frozenset()
    notify_messages = BooleanField(_l("Tell about new messages"), default=True)
    notify_calendar = BooleanField(_l("Tell about new calendar entries"), default=True)
    notify_comments = BooleanField(_l("Tell about comments on their activities"))

    def values_of(self, document: DocumentBase | None) -> dict[str, str]:
        """A new invitation starts with the usual choices."""
        return {"notify_messages": "y", "notify_calendar": "y"}

    def changes(self) -> dict[str, Any]:
        """The chosen person and the notification choices."""
        return {
            "staff": self.staff.data,
            "notifications": Notifications(
                messages=bool(self.notify_messages.data),
                calendar=bool(self.notify_calendar.data),
                comments=bool(self.notify_comments.data),
            ),
        }


def _holder_page(log_id: str) -> LogPage:
    """Only the holder manages participants; a refused request is not recorded as a read."""
    page = open_page(log_id, Section.PARTICIPANTS, record=False)
    if not (page.viewer.is_holder and Section.PARTICIPANTS in page.manageable):
        raise NoAccess(log_id)
    if showing() or request.form.get("intent") == "search":  # a search shows the log
        record_shown(page)
    return page


def _back(page: LogPage) -> str:
    return url_for("log.participants", log_id=page.log_id)


@bp.get("/deltakere")
@login_required()
def participants(log_id: str) -> str:
    """Who takes part, for which service, how to reach them; who has left."""
    page = open_page(log_id, Section.PARTICIPANTS)
    return render_log_page(page, "log/participants.html", nav="participants")


def _taking_part(page: LogPage) -> frozenset[str]:
    """The user ids of everyone taking part now."""
    return frozenset(p.user_id for p in page.snapshot.of_kind_active_participants())


def _candidates(page: LogPage, search: str) -> list[SelectChoice]:
    """Active staff not already taking part, matching the search on name or unit."""
    directory = portal().instance.directory.snapshot()
    taking_part = _taking_part(page)
    wanted = search.casefold().strip()
    found = []
    for member in sorted(directory.staff.values(), key=lambda m: m.name):
        if not member.active or member.user_id in taking_part:
            continue
        units = ", ".join(
            directory.units[u].name if u in directory.units else u for u in member.unit_ids
        )
        if wanted and wanted not in f"{member.name} {units}".casefold():
            continue
        label = " – ".join(part for part in (member.name, units, member.job_title) if part)
        found.append(SelectChoice(member.user_id, label))
    return found


@bp.route("/deltakere/inviter", methods=["GET", "POST"])
@login_required()
def invite(log_id: str) -> Answer:
    """The holder invites a member of staff from the municipal directory."""
    page = _holder_page(log_id)
    form = InviteForm()
    form.taking_part = _taking_part(page)
    searching = request.method == "POST" and request.form.get("intent") == "search"
    form.staff.choices = _candidates(page, (form.search.data or "") if searching else "")
    context: dict[str, Any] = {
        "nav": "participants",
        "nav_back": _back(page),
        "searching": searching,
    }
    if searching:  # a search is a read: show the narrowed list, keep the form
        return render_template("log/invite.html", page=page, form=form, **context)

    def make(values: dict[str, Any]) -> Change:
        member = portal().instance.directory.snapshot().staff.get(values["staff"])
        if member is None or not member.active:
            raise NoAccess(log_id)
        joined = Participant(
            id=new_document_id(),
            user_id=member.user_id,
            name=member.name,
            service=member.service,
            unit_id=member.unit_ids[0] if member.unit_ids else None,
            job_title=member.job_title,
            email=member.email,
            phone=member.phone,
            notifications=values["notifications"],
            joined_on=page.today,
        )
        return Change((joined,), action=Action.MANAGE)  # who takes part: the holder's call

    return run_form(
        page,
        form,
        target=None,
        make_change=make,
        template="log/invite.html",
        done=_back(page),
        message=_("The participant is added."),
        **context,
    )


@bp.route("/deltakere/ekstern", methods=["GET", "POST"])
@login_required()
def add_external(log_id: str) -> Answer:
    """The holder adds someone outside the directory (a GP, a physiotherapist …)."""
    page = _holder_page(log_id)

    def make(values: dict[str, Any]) -> Change:
        joined = Participant(
            id=new_document_id(),
            user_id=f"ext-{secrets.token_hex(8)}",
            joined_on=page.today,
            **values,
        )
        return Change((joined,), action=Action.MANAGE)  # who takes part: the holder's call

    return run_form(
        page,
        ExternalForm(),
        target=None,
        make_change=make,
        done=_back(page),
        message=_("The participant is added."),
        heading=_("Add an external participant"),
        intro=_("For someone who is not in the municipal directory, such as a GP."),
        nav="participants",
        nav_back=_back(page),
        initial={"service": "other", "notify_messages": "y", "notify_calendar": "y"},
    )


@bp.route("/deltakere/<participant_id>/avslutt", methods=["GET", "POST"])
@login_required()
def end_participation(log_id: str, participant_id: str) -> Answer:
    """The holder ends someone's part in the log; they lose access at once."""
    page = _holder_page(log_id)
    found = document(page, "participant", participant_id)
    if not isinstance(found, Participant) or found.left_on is not None:
        raise NoAccess(log_id)
    if found.id == page.overview.holder:
        raise NoAccess(log_id)  # the baton is handed on first
    name = page.people.participant(found.id)
    return run_form(
        page,
        ConfirmForm(),
        target=DocRef("participant", participant_id),
        make_change=lambda _values: Change(
            (found.revised(left_on=page.today),), action=Action.MANAGE
        ),
        done=_back(page),
        message=_("The participation has ended."),
        heading=_("End the participation of %(name)s?", name=name.name if name else ""),
        intro=_(
            "They lose access to the log at once. What they wrote stays, and they are "
            "shown as a former participant."
        ),
        nav="participants",
        nav_back=_back(page),
        save_label=_("End the participation"),
    )


@bp.route("/deltakere/<participant_id>/mine", methods=["GET", "POST"])
@login_required()
def own_details(log_id: str, participant_id: str) -> Answer:
    """A participant changes their own contact details and notification choices."""
    page = open_page(log_id, Section.PARTICIPANTS, record=showing())
    found = document(page, "participant", participant_id)
    if not isinstance(found, Participant) or found.user_id != viewer().principal:
        raise NoAccess(log_id)
    if found.left_on is not None or page.overview.status.value != "active":
        raise NoAccess(log_id)
    return run_form(
        page,
        OwnDetailsForm(),
        target=DocRef("participant", participant_id),
        make_change=lambda values: Change((found.revised(**values),)),
        done=_back(page),
        message=_("Your details are saved."),
        heading=_("Your details in this log"),
        nav="participants",
        nav_back=_back(page),
    )
