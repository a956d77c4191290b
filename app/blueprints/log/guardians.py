"""The holder registers the subject's guardians; a second member of staff confirms them.

A registered guardian can neither consent nor read until the unit leader or
the coordinator has confirmed them (the staff pages, app/blueprints/staff.py).
The fødselsnummer is typed once and never shown back in full.
"""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, StringField
from wtforms.validators import ValidationError

from app.access import Section
from app.blueprints.context import instance
from app.blueprints.log import bp
from app.blueprints.log.common import Answer, open_page, record_shown, run_form, showing, viewer
from app.blueprints.log.forms import TITLE_MAX, DocumentForm, _at_most, _required
from app.documents.fnr import is_valid_pid
from app.documents.people import Guardian
from app.gateway import LogPage, NoAccess
from app.gateway.changes import Change
from app.lifecycle.clock import oslo_date
from app.logs.ids import new_document_id
from app.web.users import login_required


class GuardianForm(DocumentForm):
    """A guardian's name and fødselsnummer."""

    text_fields = ()
    name = StringField(_l("Name"), validators=[_required(), _at_most(TITLE_MAX)])
    fnr = PasswordField(  # drawn hidden, never sent back: it is shown only as a birth date
        _l("Fødselsnummer (11 digits)"),
        description=_l("Checked by a second member of staff before the guardian can consent."),
        validators=[_required()],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )

    def __init__(self, *args: Any, subject_fnr: str, registered: set[str], **kw: Any) -> None:
        """Know the subject and who is registered already, to explain a mistake."""
        super().__init__(*args, **kw)
        self._subject_fnr = subject_fnr
        self._registered = registered

    def validate_fnr(self, field: PasswordField) -> None:
        """Eleven digits that make a real number; not the child; not registered twice."""
        number = "".join((field.data or "").split())
        settings = instance().settings
        synthetic = settings.allow_synthetic_pids or not settings.production  # test identities
        if not is_valid_pid(number, allow_synthetic=synthetic):
            raise ValidationError(_l("Check the number: it must be a valid fødselsnummer."))
        if number == self._subject_fnr:
            raise ValidationError(_l("That is the child's own number."))
        if number in self._registered:
            raise ValidationError(_l("This guardian is registered already."))
        field.data = number

    def changes(self) -> dict[str, Any]:
        """Name and number."""
        return {"name": self.name.data.strip(), "fnr": self.fnr.data}


def _holder_page(log_id: str) -> LogPage:
    page = open_page(log_id, Section.CONSENTS, record=False)
    if not (page.viewer.is_holder and Section.CONSENTS in page.manageable):
        raise NoAccess(log_id)
    if showing():
        record_shown(page)
    return page


@bp.route("/foresatte/ny", methods=["GET", "POST"])
@login_required()
def register_guardian(log_id: str) -> Answer:
    """The holder registers a guardian, to be confirmed by a second person."""
    page = _holder_page(log_id)
    current = {g.fnr for g in page.snapshot.of_kind(Guardian) if g.ended_on is None}
    form = GuardianForm(subject_fnr=page.overview.subject.fnr, registered=current)
    back = url_for("log.consents", log_id=log_id)

    def make(values: dict[str, Any]) -> Change:
        registered = Guardian(
            id=new_document_id(),
            registered_by=viewer().principal,
            registered_on=oslo_date(),
            **values,
        )
        return Change((registered,))

    return run_form(
        page,
        form,
        target=None,
        make_change=make,
        done=back,
        message=_("The guardian is registered. The unit leader or the coordinator confirms it."),
        heading=_("Register a guardian"),
        intro=_(
            "Register each person with parental responsibility. Before they can consent or "
            "read the log, the unit leader or the BTI coordinator checks and confirms it."
        ),
        nav="consents",
        nav_back=back,
    )
