"""Pages for staff that are theirs alone: the logs they hold or take part in, and for
the unit leader and the coordinator the guardians waiting for a second person."""

from __future__ import annotations

import secrets
from collections.abc import Callable

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import HiddenField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from app.access import StaffRole, User, UserKind
from app.blueprints.context import portal
from app.blueprints.log.common import submission_key
from app.blueprints.log.meeting_forms import CheckboxesField
from app.documents.fields import LogTemplate, Service
from app.documents.fnr import is_valid_pid
from app.errors import STEP_REFUSALS
from app.gateway.guardians import ConfirmationRefused
from app.gateway.lifecycle import LifecycleRefused
from app.gateway.starting import LogAlreadyExists, NewLog
from app.lifecycle.machine import StepRefused
from app.logs.errors import EditConflict, RuleViolation
from app.web.forms import SERVICE_LABELS
from app.web.users import current_user, login_required

TEMPLATES = {
    "kindergarten": _l("Kindergarten"),
    "school": _l("School"),
    "health_station": _l("Health station"),
    "pregnancy": _l("Pregnancy (the log is about the mother)"),
}

REFUSALS = {
    "registered_it": _l("You registered this guardian yourself; someone else must confirm it."),
    "is_the_guardian": _l("You cannot confirm yourself as a guardian."),
    "unknown_identity": _l(
        "The staff directory has no fødselsnummer for you, so you cannot confirm guardians. "
        "Ask the directory's administrator."
    ),
    "registered_themself": _l(
        "The person who registered this guardian has the same fødselsnummer as the guardian. "
        "Turn it down and contact the holder."
    ),
}

bp = Blueprint("staff", __name__, url_prefix="/ansatt")


@bp.get("/")
@login_required(UserKind.STAFF)
def my_logs() -> str:
    """Logs I hold or take part in, where a consent currently lets me in."""
    user = current_user()
    assert user is not None
    return render_template("staff/my_logs.html", logs=portal().my_logs(user))


def _staff() -> User:
    user = current_user()
    assert user is not None
    return user


@bp.get("/foresatte")
@login_required(UserKind.STAFF)
def guardians_to_confirm() -> str:
    """Registered guardians waiting for the unit leader's or the coordinator's confirmation."""
    waiting = portal().guardians_to_confirm(_staff())
    directory = portal().instance.directory.snapshot()
    names = {g.registered_by: directory.staff.get(g.registered_by) for g in waiting}
    return render_template(
        "staff/guardians.html",
        waiting=waiting,
        registrars={k: (v.name if v else k) for k, v in names.items()},
    )


@bp.post("/foresatte/<log_id>/<guardian_id>")
@login_required(UserKind.STAFF)
def answer_guardian(log_id: str, guardian_id: str) -> Response:
    """Confirm a registered guardian, or turn the registration down."""
    answer = request.form.get("answer", "")
    try:
        portal().confirm_guardian(
            _staff(),
            log_id,
            guardian_id,
            seen_revision=request.form.get("revision", ""),
            answer=answer,
        )
    except ValueError:  # neither confirm nor decline: a forged or broken form
        abort(400)
    except ConfirmationRefused as refused:
        flash(str(REFUSALS[refused.code]), "danger")
    except (EditConflict, RuleViolation):
        flash(_("The registration changed while you looked at it. Check it again."), "warning")
    else:
        done = _("The guardian is confirmed.") if answer == "confirm" else _("It is turned down.")
        flash(done, "success")
    return redirect(url_for("staff.guardians_to_confirm"))


@bp.get("/koordinator")
@login_required(UserKind.STAFF)
def coordinator() -> str:
    """The coordinator's overview (a unit leader's, for their units): what needs acting on."""
    user = _staff()
    found = portal().coordinator_overview(user)
    leads = StaffRole.UNIT_LEADER in user.staff_roles
    assignments = portal().baton_assignments(user) if leads else []
    units = {u.unit_id: u.name for u in portal().instance.directory.snapshot().units.values()}
    return render_template(
        "staff/coordinator.html", found=found, units=units, assignments=assignments
    )


def _coordinate(verb: Callable[..., object], *args: str, done: str, **values: str) -> Response:
    """Take one step from the coordinator's page and go back to it with the outcome.

    The verb decides access first (a missing page for whoever it is not for);
    a broken value it meets only after that is a 400; a refusal is explained.
    """
    try:
        verb(
            _staff(),
            *args,
            seen_revision=request.form.get("revision", ""),
            form_key=submission_key(request.form.get("form_key", "")),
            **values,
        )
    except ValueError:  # a forged form, found after the access check
        abort(400)
    except (LifecycleRefused, StepRefused) as refused:
        flash(str(STEP_REFUSALS.get(refused.code, STEP_REFUSALS["not_now"])), "danger")
    except (EditConflict, RuleViolation):
        flash(_("The log changed while you looked at it. Check it again."), "warning")
    else:
        flash(done, "success")
    return redirect(url_for("staff.coordinator"))


@bp.post("/stafett/<log_id>")
@login_required(UserKind.STAFF)
def assign_baton(log_id: str) -> Response:
    """The unit leader offers the baton of a log in their unit to a participant."""
    return _coordinate(
        portal().offer_baton,
        log_id,
        request.form.get("to_participant", ""),
        done=_("The baton is offered. The new holder must accept it."),
    )


@bp.post("/stafett/<log_id>/<handover_id>/trekk")
@login_required(UserKind.STAFF)
def withdraw_offer(log_id: str, handover_id: str) -> Response:
    """The unit leader withdraws an offer of the baton nobody answered."""
    return _coordinate(
        portal().answer_baton,
        log_id,
        handover_id,
        answer="withdraw",
        done=_("The offer is withdrawn. You can offer the baton to someone else."),
    )


@bp.post("/sletting/<log_id>/<request_id>")
@login_required(UserKind.STAFF)
def decide_deletion(log_id: str, request_id: str) -> Response:
    """A coordinator blocks the log, proposes shredding it, or turns the request down."""
    decision = request.form.get("decision", "")
    done = {
        "block": _("The log is blocked. Only the archive can open it now."),
        "propose_shred": _("Shredding is proposed. A second coordinator must confirm it."),
        "decline": _("The request is turned down. The family sees your note."),
    }
    return _coordinate(
        portal().decide_deletion,
        log_id,
        request_id,
        decision=decision,
        note=request.form.get("note", ""),
        done=done.get(decision, ""),
    )


@bp.post("/sletting/<log_id>/<request_id>/makuler")
@login_required(UserKind.STAFF)
def confirm_shredding(log_id: str, request_id: str) -> Response:
    """A second coordinator confirms: the log's keys are destroyed, for good."""
    outcome = portal().instance.deletions.get(log_id)
    if StaffRole.COORDINATOR in _staff().staff_roles and outcome and outcome.outcome == "shredded":
        flash(_("The log is shredded."), "success")  # a second click: already done
        return redirect(url_for("staff.coordinator"))
    return _coordinate(
        portal().confirm_shredding, log_id, request_id, done=_("The log is shredded.")
    )


class ReopenForm(FlaskForm):  # type: ignore[misc]
    """Which services the reopened log is to have consent for."""

    revision = HiddenField()
    form_key = HiddenField()
    services = CheckboxesField(
        _l("Services asked about"),
        validators=[InputRequired(_l("Choose at least one service."))],
    )


@bp.route("/gjenapne/<log_id>", methods=["GET", "POST"])
@login_required(UserKind.STAFF)
def ask_reopen(log_id: str) -> Response | str | tuple[str, int]:
    """The holder of a closed log whose consent ran out asks the family to reopen it.

    They read nothing of the log: the page shows only the services to ask about.
    """
    user = _staff()
    key = submission_key(request.form.get("form_key", "")) if request.method == "POST" else ""
    sent_before = bool(key) and portal().instance.form_keys.known(user.principal, key, log_id)
    if not sent_before:  # access first; a form sent again goes on to find its first answer
        revision, services = portal().reopening(user, log_id)
    form = ReopenForm()
    form.services.choices = [SelectChoice(s.value, SERVICE_LABELS[s.value]) for s in Service]
    if request.method == "GET":
        form.services.data = [s.value for s in services]
        form.revision.data = revision
        form.form_key.data = secrets.token_urlsafe(18)
        return render_template("staff/reopen.html", form=form)
    problem = ""
    if form.validate_on_submit():
        try:
            portal().request_consent(
                user,
                log_id,
                purpose="reopen",
                services=[Service(s) for s in form.services.data],
                seen_revision=form.revision.data or "",
                form_key=key,
            )
        except (LifecycleRefused, StepRefused) as refused:
            problem = str(STEP_REFUSALS.get(refused.code, STEP_REFUSALS["not_now"]))
        except (EditConflict, RuleViolation):
            problem = _("The log changed while you looked at it. Check it again.")
        else:
            flash(
                _("The family is asked to reopen the log. They answer when they log in."), "success"
            )
            return redirect(url_for("staff.my_logs"))
    return render_template("staff/reopen.html", form=form, problem=problem), 400


class StartForm(FlaskForm):  # type: ignore[misc]
    """Who the new log is about, from which template and level, and who holds it."""

    given_name = StringField(
        _l("Given name"), validators=[DataRequired(_l("Fill in this field.")), Length(max=200)]
    )
    family_name = StringField(
        _l("Family name"), validators=[DataRequired(_l("Fill in this field.")), Length(max=200)]
    )
    fnr = PasswordField(  # typed once, never drawn back
        _l("Fødselsnummer (11 digits)"),
        validators=[DataRequired(_l("Fill in this field."))],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    template = SelectField(
        _l("Template"), choices=[SelectChoice(k, v) for k, v in TEMPLATES.items()]
    )
    level = SelectField(_l("Starting BTI level"))
    unit = SelectField(_l("Unit"))
    holder = SelectField(_l("Holder"))

    def validate_fnr(self, field: PasswordField) -> None:
        """Eleven digits that make a real number (test numbers only outside production)."""
        number = "".join((field.data or "").split())
        settings = portal().instance.settings
        synthetic = settings.allow_synthetic_pids or not settings.production
        if not is_valid_pid(number, allow_synthetic=synthetic):
            raise ValidationError(_l("Check the number: it must be a valid fødselsnummer."))
        field.data = number


def _start_form(user: User) -> StartForm:
    """The start form with the choices this member of staff has."""
    instance = portal().instance
    directory = instance.directory.snapshot()
    member = directory.staff.get(user.principal)
    if member is None or not member.active or not member.unit_ids:
        abort(404)
    form = StartForm()
    form.level.choices = [
        SelectChoice(str(level), _("Level %(level)d", level=level))
        for level in instance.settings.lifecycle.start_levels
    ]
    form.unit.choices = [
        SelectChoice(u, directory.units[u].name if u in directory.units else u)
        for u in member.unit_ids
    ]
    holders = [SelectChoice(member.user_id, _("Me (%(name)s)", name=member.name))]
    if StaffRole.UNIT_LEADER in user.staff_roles:
        holders += [
            SelectChoice(m.user_id, m.name)
            for m in sorted(directory.staff.values(), key=lambda m: m.name)
            if m.active and m.user_id != member.user_id and set(m.unit_ids) & set(member.unit_ids)
        ]
    form.holder.choices = holders
    return form


@bp.route("/ny-logg", methods=["GET", "POST"])
@login_required(UserKind.STAFF)
def start_log() -> Response | str | tuple[str, int]:
    """Start a log for a child: it waits for consent, seen only by its holder."""
    user = _staff()
    form = _start_form(user)
    if request.method == "GET":
        form.level.data = form.level.choices[0].value
        return render_template("staff/start_log.html", form=form)
    problem = ""
    if form.validate_on_submit():
        try:
            log_id = portal().start_log(
                user,
                NewLog(
                    fnr=form.fnr.data,
                    given_name=form.given_name.data,
                    family_name=form.family_name.data,
                    template=LogTemplate(form.template.data),
                    level=int(form.level.data),
                    unit_id=form.unit.data,
                    holder_user_id=form.holder.data,
                ),
            )
        except LogAlreadyExists as exists:
            problem = (
                _(
                    "This child already has a stafettlogg. Contact %(unit)s, or the BTI "
                    "coordinator, to take part in it.",
                    unit=exists.unit_name,
                )
                if exists.unit_name
                else _("This child already has a stafettlogg. Contact the BTI coordinator.")
            )
        except LifecycleRefused as refused:
            problem = str(STEP_REFUSALS.get(refused.code, STEP_REFUSALS["not_now"]))
        else:
            flash(
                _("The log is started. Register the guardians and ask for their consent."),
                "success",
            )
            if form.holder.data != user.principal:
                return redirect(url_for("staff.my_logs"))
            return redirect(url_for("log.consents", log_id=log_id))
    return render_template("staff/start_log.html", form=form, problem=problem), 400
