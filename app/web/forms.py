"""Forms (Flask-WTF: every POST carries a CSRF token)."""

from __future__ import annotations

import secrets
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from app.directory.models import StaffMember, Unit
from app.documents.fields import Service
from app.documents.fnr import has_valid_check_digits
from app.logs.ids import new_document_id

SERVICE_LABELS = {
    "kindergarten": _l("Kindergarten"),
    "school": _l("School"),
    "health_station": _l("Health station"),
    "school_health": _l("School health service"),
    "ppt": _l("Educational-psychological service (PPT)"),
    "child_welfare": _l("Child welfare"),
    "physio_ergo": _l("Physiotherapy and occupational therapy"),
    "gp": _l("General practitioner"),
    "mental_health": _l("Mental health service"),
    "other": _l("Other service"),
}
ROLE_LABELS = {
    "unit_leader": _l("Unit leader"),
    "coordinator": _l("BTI coordinator"),
    "archivist": _l("Archivist"),
}


def _unit_choices(units: dict[str, Unit]) -> list[SelectChoice]:
    return [SelectChoice(u.unit_id, u.name) for u in units.values() if u.active]


def _roles_field() -> SelectMultipleField:
    return SelectMultipleField(
        _l("Municipal roles"),
        choices=[SelectChoice(k, v) for k, v in ROLE_LABELS.items()],
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
    )


def _valid_fnr(_form: FlaskForm, field: StringField) -> None:
    if field.data and not has_valid_check_digits(field.data):
        raise ValidationError(_l("Enter an 11-digit national identity number."))


class StaffForm(FlaskForm):  # type: ignore[misc]
    """Add a member of staff to the municipal directory."""

    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=200)])
    job_title = StringField(_l("Job title"), validators=[Optional(), Length(max=200)])
    email = EmailField(_l("Work e-mail"), validators=[Optional(), Email(), Length(max=200)])
    phone = StringField(
        _l("Work phone"), validators=[Optional(), Length(max=40), Regexp(r"^[0-9 +()-]*$")]
    )
    fnr = StringField(
        _l("National identity number (for login with ID-porten)"),
        validators=[Optional(), Length(min=11, max=11), _valid_fnr],
    )
    service = SelectField(
        _l("Service"), choices=[SelectChoice(k, v) for k, v in SERVICE_LABELS.items()]
    )
    unit = SelectField(_l("Unit"), validators=[DataRequired()])
    roles = _roles_field()
    revision = HiddenField()

    def __init__(self, *args: Any, units: dict[str, Unit], **kwargs: Any) -> None:
        """Offer the directory's active units."""
        super().__init__(*args, **kwargs)
        self.unit.choices = _unit_choices(units)

    def to_staff_member(self) -> StaffMember:
        """The validated form as a new directory document."""
        return StaffMember(
            id=new_document_id(),
            user_id=f"s-{secrets.token_hex(4)}",
            name=self.name.data,
            job_title=self.job_title.data or "",
            email=self.email.data or "",
            phone=self.phone.data or "",
            fnr=self.fnr.data or None,
            service=Service(self.service.data),
            unit_ids=[self.unit.data],
            roles=list(self.roles.data or []),
        )


class UnitForm(FlaskForm):  # type: ignore[misc]
    """Add a municipal unit."""

    unit_name = StringField(_l("Name of the unit"), validators=[DataRequired(), Length(max=200)])
    unit_service = SelectField(
        _l("Service"), choices=[SelectChoice(k, v) for k, v in SERVICE_LABELS.items()]
    )
    revision = HiddenField()

    def to_unit(self) -> Unit:
        """The validated form as a new directory document."""
        return Unit(
            id=new_document_id(),
            unit_id=f"enhet-{secrets.token_hex(4)}",
            name=self.unit_name.data,
            service=Service(self.unit_service.data),
        )


class EditStaffForm(FlaskForm):  # type: ignore[misc]
    """Change a staff member's unit, municipal roles, or whether they are active."""

    unit = SelectField(_l("Unit"), validators=[DataRequired()])
    roles = _roles_field()
    active = BooleanField(_l("Active (can log in and take part in logs)"))
    revision = HiddenField()

    def __init__(self, *args: Any, units: dict[str, Unit], **kwargs: Any) -> None:
        """Offer the directory's active units."""
        super().__init__(*args, **kwargs)
        self.unit.choices = _unit_choices(units)

    def apply_to(self, member: StaffMember) -> StaffMember:
        """A validated copy of ``member`` with the form's changes."""
        return member.revised(
            unit_ids=[self.unit.data],
            roles=list(self.roles.data or []),
            active=bool(self.active.data),
        )
