"""The baton, the level and closing: the holder's (and the family's) steps in the log's life.

The holder offers the baton to another participant, who accepts or declines
it on the overview; the holder may withdraw the offer. The holder changes the
BTI level with a date and a reason. The holder or the family closes the log
with a reason. Each form calls one verb of app/gateway/baton.py or closing.py.
"""

from __future__ import annotations

from typing import Any

from flask import request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

from app.access import Section
from app.blueprints.context import portal
from app.blueprints.log import bp
from app.blueprints.log.common import Answer
from app.blueprints.log.forms import TITLE_MAX, DateInput, DocumentForm, _text
from app.blueprints.log.steps import run_button, run_step, step_page
from app.documents.fields import ClosingReason, LogStatus
from app.documents.records import BatonHandover
from app.gateway import LogPage
from app.gateway.closing import CLOSING_REASONS
from app.web.labels import CLOSING_REASON
from app.web.users import login_required

_LEVELS = {
    "0": _l("Level 0: everything is fine, or a concern is raised"),
    "1": _l("Level 1: measures within the unit"),
    "2": _l("Level 2: measures with other services"),
    "3": _l("Level 3: extensive, coordinated help"),
}


class OfferForm(DocumentForm):
    """Whom the baton is offered to."""

    text_fields = ()
    to_participant = SelectField(
        _l("New holder"),
        description=_l("The person must accept before the baton passes. Until then you hold it."),
        validators=[InputRequired(_l("Choose a person."))],
    )

    def changes(self) -> dict[str, Any]:
        """The chosen participant."""
        return {"to_participant": self.to_participant.data}


class LevelForm(DocumentForm):
    """The new BTI level, from which date, and why."""

    text_fields = ()
    level = SelectField(_l("New level"), choices=[SelectChoice(k, v) for k, v in _LEVELS.items()])
    changed_on = DateInput(_l("From"), validators=[InputRequired(_l("Write a date."))])
    reason = _text(_l("Why the level changes"), limit=TITLE_MAX * 5, required=True)

    def changes(self) -> dict[str, Any]:
        """Level, date and reason."""
        return {
            "level": int(self.level.data),
            "changed_on": self.changed_on.data,
            "reason": self.reason.data.strip(),
        }


class CloseForm(DocumentForm):
    """Why the log is closed, and a note (needed for "other")."""

    text_fields = ()
    reason = SelectField(
        _l("Why the log is closed"),
        choices=[SelectChoice(r.value, CLOSING_REASON[r.value]) for r in CLOSING_REASONS],
    )
    note = _text(_l("Note"), limit=TITLE_MAX * 5)

    def changes(self) -> dict[str, Any]:
        """Reason and note."""
        return {"reason": ClosingReason(self.reason.data), "note": (self.note.data or "").strip()}


def may_close(page: LogPage) -> bool:
    """The holder, or the family's decider: the youth, or a guardian of a minor."""
    return (
        page.viewer.is_holder
        or page.viewer.relation == "subject"
        or (page.viewer.relation == "guardian" and page.subject_is_minor)
    )


def _overview(log_id: str) -> str:
    return url_for("log.overview", log_id=log_id)


def _pending(page: LogPage) -> BatonHandover | None:
    return next((h for h in page.snapshot.of_kind(BatonHandover) if h.pending), None)


@bp.route("/stafett", methods=["GET", "POST"])
@login_required()
def offer_baton(log_id: str) -> Answer:
    """The holder offers the baton to another participant."""
    page = step_page(
        log_id,
        Section.PARTICIPANTS,
        lambda p: p.viewer.is_holder,
        lambda p: (
            p.overview.status in (LogStatus.PENDING, LogStatus.ACTIVE) and _pending(p) is None
        ),
    )
    form = OfferForm()
    staff = portal().instance.directory.snapshot().staff
    form.to_participant.choices = [
        SelectChoice(p.id, f"{p.name} ({p.job_title})" if p.job_title else p.name)
        for p in page.snapshot.of_kind_active_participants()
        if p.id != page.overview.holder
        and p.id in page.let_in
        and p.user_id in staff
        and staff[p.user_id].active
    ]
    return run_step(
        page,
        form,
        portal().offer_baton,
        done=_overview(log_id),
        message=_("The baton is offered. You hold it until the new holder accepts."),
        heading=_("Hand the baton on"),
        intro=_(
            "The holder coordinates the log. Choose who takes over; they must accept. "
            "Only members of staff who take part in the log can hold it."
        ),
        nav="overview",
        nav_back=_overview(log_id),
        save_label=_("Offer the baton"),
    )


_ANSWERED = {
    "accept": _l("You now hold the baton."),
    "decline": _l("You declined the baton."),
    "withdraw": _l("The offer is withdrawn."),
}


@bp.post("/stafett/<handover_id>")
@login_required()
def answer_baton(log_id: str, handover_id: str) -> Response:
    """The offered holder accepts or declines; the holder may withdraw the offer."""
    step_page(log_id, Section.OVERVIEW, lambda p: True)
    answer = request.form.get("answer", "")
    return run_button(
        log_id,
        portal().answer_baton,
        args=(handover_id,),
        arguments={"answer": answer},
        done=_overview(log_id),
        message=str(_ANSWERED.get(answer, "")),
    )


@bp.route("/niva", methods=["GET", "POST"])
@login_required()
def change_level(log_id: str) -> Answer:
    """The holder changes the BTI level, with a date and a reason."""
    page = step_page(
        log_id,
        Section.OVERVIEW,
        lambda p: p.viewer.is_holder,
        lambda p: p.overview.status == LogStatus.ACTIVE,
    )
    return run_step(
        page,
        LevelForm(),
        portal().change_level,
        done=_overview(log_id),
        message=_("The level is changed."),
        heading=_("Change the BTI level"),
        intro=_("The level says how much help the child needs, and from whom."),
        nav="overview",
        nav_back=_overview(log_id),
        initial={"level": str(page.overview.level), "changed_on": page.today.isoformat()},
    )


@bp.route("/avslutt", methods=["GET", "POST"])
@login_required()
def close_log(log_id: str) -> Answer:
    """The holder or the family closes the log with a reason."""
    page = step_page(
        log_id,
        Section.OVERVIEW,
        may_close,
        lambda p: p.overview.status in (LogStatus.ACTIVE, LogStatus.PASSIVE),
    )
    return run_step(
        page,
        CloseForm(),
        portal().close_log,
        done=_overview(log_id),
        message=_("The log is closed."),
        heading=_("Close the log"),
        intro=_(
            "A closed log can no longer be changed. The guardians and the youth can still read "
            "it, and it is kept for the archive. It can be reopened on new consent."
        ),
        nav="overview",
        nav_back=_overview(log_id),
        save_label=_("Close the log"),
        initial={"reason": "goals_reached"},
    )


bp.add_app_template_global(may_close, "may_close")
