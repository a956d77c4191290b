"""Consent through the gateway: the holder asks, the family answers and withdraws.

The holder asks for consent for some services (to start the log, for a new
service, a transition, a renewal, insight, or to reopen it), and may write why
one guardian's answer suffices. A confirmed guardian (or the youth from the
consent age) answers each service yes or no, renews a consent that ran out
with one click, and withdraws consent (all of it or one service) as easily as
it was given. Each form calls one verb of app/gateway/consenting.py.
"""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from werkzeug.wrappers import Response
from wtforms import BooleanField, RadioField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional

from app.access import Section
from app.blueprints.context import instance, portal
from app.blueprints.log import bp
from app.blueprints.log.common import Answer, document, showing
from app.blueprints.log.documents import checked_file
from app.blueprints.log.forms import TITLE_MAX, ConfirmForm, DateInput, DocumentForm, _text
from app.blueprints.log.meeting_forms import CheckboxesField
from app.blueprints.log.steps import run_button, run_step, step_page
from app.documents.fields import Service
from app.documents.people import Consent, ConsentRequest
from app.gateway import LogPage, NoAccess
from app.gateway.consenting import PURPOSES
from app.web.consent_view import consent_view
from app.web.forms import SERVICE_LABELS
from app.web.labels import CONSENT_PURPOSE
from app.web.users import login_required

_FAMILY = ("guardian", "subject")


class RequestForm(DocumentForm):
    """What the consent is for, and which services it asks about."""

    text_fields = ()
    purpose = SelectField(_l("What the consent is for"), validators=[InputRequired()])
    services = CheckboxesField(
        _l("Services asked about"),
        validators=[InputRequired(_l("Choose at least one service."))],
    )

    def changes(self) -> dict[str, Any]:
        """The purpose and the services."""
        return {"purpose": self.purpose.data, "services": [Service(s) for s in self.services.data]}


class SingleGuardianForm(DocumentForm):
    """Why one guardian's answer suffices, and how the other was sought."""

    text_fields = ()
    note = _text(_l("Why one guardian's consent is enough"), limit=TITLE_MAX * 5, required=True)

    def changes(self) -> dict[str, Any]:
        """The note."""
        return {"note": self.note.data.strip()}


class WithdrawForm(DocumentForm):
    """Withdraw all of a consent, or one of its services, with an optional note."""

    text_fields = ()
    only = SelectField(_l("What you withdraw"))
    note = _text(_l("Note (optional)"), limit=TITLE_MAX * 5)

    def changes(self) -> dict[str, Any]:
        """Which service (none: all of it) and the note."""
        only = Service(self.only.data) if self.only.data else None
        return {"only": only, "note": (self.note.data or "").strip()}


def _answer_form(
    request: ConsentRequest, youth: bool, signers: list[SelectChoice] | None = None
) -> DocumentForm:
    """A yes/no question per service asked about (and, on reopening, about the old content).

    With ``signers`` it is the holder's form for a signed paper answer: who
    signed, when, until when, and the scan of the paper.
    """
    paper = signers is not None
    yes_no = [SelectChoice("yes", _l("Yes, I consent")), SelectChoice("no", _l("No"))]
    fields: dict[str, Any] = {}
    if paper:
        fields["giver"] = RadioField(
            _l("Who signed"),
            choices=signers,
            validators=[InputRequired(_l("Choose who signed."))],
        )
    fields |= {
        f"service_{s.value}": RadioField(
            SERVICE_LABELS[s.value],
            choices=yes_no,
            validators=[InputRequired(_l("Answer yes or no."))],
        )
        for s in request.services
    }
    if request.purpose == "reopen":
        fields["show_old_content"] = RadioField(
            _l("May the participants see what was written before the log was closed?"),
            choices=[
                SelectChoice("yes", _l("Yes")),
                SelectChoice("no", _l("No, only what is written from now on")),
            ],
            validators=[InputRequired(_l("Answer yes or no."))],
        )
    if youth:
        fields["include_guardians"] = BooleanField(
            _l("The guardians may keep reading the log")
            if paper
            else _l("My guardians may keep reading the log"),
            default=True,
        )
    if paper:
        fields["signed_on"] = DateInput(
            _l("Date signed"), validators=[InputRequired(_l("Write the date it was signed."))]
        )
        fields["valid_until"] = DateInput(
            _l("Valid until (optional)"),
            description=_l("Leave empty for the municipality's usual consent period."),
            validators=[Optional()],
        )
        fields["scan"] = FileField(
            _l("Scan of the signed paper"),
            description=_l("PDF, JPEG or PNG."),
            render_kw={"accept": ".pdf,.jpg,.jpeg,.png"},
            validators=[checked_file],
        )

    def changes(self: DocumentForm) -> dict[str, Any]:
        chosen = {s: self[f"service_{s.value}"].data for s in request.services}
        signed = (
            {
                "giver": self["giver"].data,
                "signed_on": self["signed_on"].data,
                "valid_until": self["valid_until"].data,
                "scan": self["scan"].clean,
                "scan_title": _("Signed consent (paper)"),
            }
            if paper
            else {}
        )
        return {
            **signed,
            "consented": [s for s, a in chosen.items() if a == "yes"],
            "refused": [s for s, a in chosen.items() if a == "no"],
            "show_old_content": (self["show_old_content"].data == "yes")
            if "show_old_content" in self
            else None,
            "include_guardians": bool(self["include_guardians"].data)
            if "include_guardians" in self
            else True,
        }

    namespace = {**fields, "text_fields": (), "changes": changes}
    meta: Any = type(DocumentForm)  # WTForms' FormMeta binds the fields of a new form class
    form_class = meta("AnswerForm", (DocumentForm,), namespace)
    return form_class()  # type: ignore[no-any-return]


def _back(log_id: str) -> str:
    return url_for("log.consents", log_id=log_id)


def _holder(page: LogPage) -> bool:
    return page.viewer.is_holder


def _answers(page: LogPage) -> bool:
    """Who answers for the family: the youth from the consent age, before it a guardian."""
    return page.viewer.relation == "subject" or (
        page.viewer.relation == "guardian" and page.subject_is_minor
    )


def _family(page: LogPage) -> bool:
    """Who withdraws: anyone of the family who consented (a guardian, also later)."""
    return page.viewer.relation in ("guardian", "subject")


def _request(page: LogPage, request_id: str) -> ConsentRequest:
    """The request a URL names; to draw the answer form it must still be open."""
    found = document(page, "consent_request", request_id)
    if not isinstance(found, ConsentRequest) or (showing() and found.state != "open"):
        raise NoAccess(page.log_id)
    return found


@bp.route("/samtykker/be-om", methods=["GET", "POST"])
@login_required()
def request_consent(log_id: str) -> Answer:
    """The holder asks the family for consent to some services."""
    page = step_page(log_id, Section.CONSENTS, _holder, lambda p: p.overview.status in PURPOSES)
    form = RequestForm()
    purposes = sorted(PURPOSES.get(page.overview.status, ()), key=list(CONSENT_PURPOSE).index)
    form.purpose.choices = [SelectChoice(p, CONSENT_PURPOSE[p]) for p in purposes]
    form.services.choices = [SelectChoice(s.value, SERVICE_LABELS[s.value]) for s in Service]
    wanted = sorted({p.service.value for p in page.snapshot.of_kind_active_participants()})
    return run_step(
        page,
        form,
        portal().request_consent,
        done=_back(log_id),
        message=_("The consent request is sent. The guardians answer it when they log in."),
        heading=_("Ask for consent"),
        intro=_(
            "The guardians (or the youth, from the age of consent) answer yes or no for each "
            "service. A service sees nothing in the log before it has consent."
        ),
        nav="consents",
        nav_back=_back(log_id),
        save_label=_("Ask for consent"),
        initial={"purpose": purposes[0] if purposes else "", "services": ",".join(wanted)},
    )


@bp.route("/samtykker/<request_id>/svar", methods=["GET", "POST"])
@login_required()
def answer_consent(log_id: str, request_id: str) -> Answer:
    """A guardian (or the youth) answers a consent request, yes or no per service."""
    page = step_page(log_id, Section.CONSENTS, _answers)
    request = _request(page, request_id)
    return run_step(
        page,
        _answer_form(request, youth=page.viewer.relation == "subject"),
        portal().answer_consent,
        args=(request_id,),
        done=_back(log_id),
        message=_(
            "Thank you. Your answer is saved, and you can change or withdraw it at any time."
        ),
        template="log/consent_answer.html",
        request=request,
        months=portal().instance.settings.lifecycle.consent_period_months,
        nav="consents",
        nav_back=_back(log_id),
        initial={"include_guardians": "y"},
    )


@bp.route("/samtykker/<request_id>/papir", methods=["GET", "POST"])
@login_required()
def paper_consent(log_id: str, request_id: str) -> Answer:
    """The holder records a signed paper answer to a request, with the scan."""
    page = step_page(log_id, Section.CONSENTS, _holder)
    request = _request(page, request_id)
    signers = portal().paper_signers(page.snapshot, page.today)
    if not signers and showing():
        raise NoAccess(log_id)  # nobody is asked yet: the guardians are confirmed first
    return run_step(
        page,
        _answer_form(
            request,
            youth=any(value == "subject" for value, _name in signers),
            signers=[SelectChoice(value, name) for value, name in signers],
        ),
        portal().record_paper_consent,
        args=(request_id,),
        done=_back(log_id),
        message=_("The paper consent is recorded, with the scan."),
        heading=_("Record a paper consent"),
        intro=_(
            "Fill in what the signed paper says, service by service, and add a scan of it. "
            "Record one paper for each person who signed."
        ),
        multipart=True,
        nav="consents",
        nav_back=_back(log_id),
        save_label=_("Record the paper consent"),
        initial={"include_guardians": "y", "signed_on": page.today.isoformat()},
    )


@bp.route("/samtykker/<request_id>/ett-samtykke", methods=["GET", "POST"])
@login_required()
def single_guardian(log_id: str, request_id: str) -> Answer:
    """The holder writes why one guardian's answer is enough (and how the other was sought)."""
    page = step_page(log_id, Section.CONSENTS, _holder)
    _request(page, request_id)
    return run_step(
        page,
        SingleGuardianForm(),
        portal().note_single_guardian,
        args=(request_id,),
        done=_back(log_id),
        message=_("The note is saved."),
        heading=_("Go on with one guardian's consent"),
        intro=_(
            "Both guardians with parental responsibility are asked. If only one can answer, "
            "write why, and how you tried to reach the other."
        ),
        nav="consents",
        nav_back=_back(log_id),
    )


@bp.route("/samtykker/<consent_id>/trekk", methods=["GET", "POST"])
@login_required()
def withdraw_consent(log_id: str, consent_id: str) -> Answer:
    """The one who consented withdraws it: all of it, or one service."""
    page = step_page(log_id, Section.CONSENTS, _family)
    found = document(page, "consent", consent_id)
    own = isinstance(found, Consent) and (
        instance().index.person_principal(found.given_by_fnr) == page.viewer.principal
    )
    if not own or (showing() and consent_id not in consent_view(page).own):
        raise NoAccess(log_id)  # another person's, or (to draw the form) not in force
    assert isinstance(found, Consent)
    form = WithdrawForm()
    form.only.choices = [SelectChoice("", _("All of it"))] + [
        SelectChoice(s.value, _("Only %(service)s", service=SERVICE_LABELS[s.value]))
        for s in found.services
    ]
    return run_step(
        page,
        form,
        portal().withdraw_consent,
        arguments=lambda values: {"consent_id": consent_id, **values},
        done=_back(log_id),
        message=_("The consent is withdrawn."),
        heading=_("Withdraw consent"),
        intro=_(
            "You can withdraw your consent at any time. The services it covered lose access "
            "to the log at once. If no consent is left, the log becomes passive: you can "
            "still read it, close it or ask for it to be deleted."
        ),
        nav="consents",
        nav_back=_back(log_id),
        save_label=_("Withdraw consent"),
    )


@bp.route("/samtykker/trekk-alt", methods=["GET", "POST"])
@login_required()
def withdraw_all(log_id: str) -> Answer:
    """Withdraw every consent one has given in this log, in one step."""
    page = step_page(log_id, Section.CONSENTS, _family)
    return run_step(
        page,
        ConfirmForm(),
        portal().withdraw_consent,
        done=_back(log_id),
        message=_("All your consent is withdrawn."),
        heading=_("Withdraw all your consent?"),
        intro=_(
            "The services lose access to the log at once. If no consent is left, the log "
            "becomes passive: you can still read it, close it or ask for it to be deleted."
        ),
        nav="consents",
        nav_back=_back(log_id),
        save_label=_("Withdraw all consent"),
    )


@bp.post("/samtykker/forny")
@login_required()
def renew_consent(log_id: str) -> Response:
    """One click: the family gives again the consent that ran out (or runs out soon)."""
    step_page(log_id, Section.CONSENTS, _family)
    return run_button(
        log_id,
        portal().renew_consent,
        done=_back(log_id),
        message=_("The consent is renewed."),
    )


bp.add_app_template_global(consent_view, "consent_view")
