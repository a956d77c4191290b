"""One form per document kind, on a shared base that carries revision and form key.

A form converts both ways: ``values_of(document)`` gives the strings a form shows
for a stored document (used to fill an edit form and to three-way merge on a
conflict), and ``changes()`` gives the validated document fields to save. The
pydantic model stays the single source of validity; the form's own validators
exist to explain problems next to the field in the user's language.
"""

from __future__ import annotations

import re
import secrets
from datetime import date
from typing import Any, ClassVar

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from app.documents.base import DocumentBase
from app.web.labels import ACTIVITY_STATUS, ARENA, DECISION, GOAL_STATUS, RAISED_BY

CONFLICT_MARKERS = ("<<<<<<< ", "=======", ">>>>>>> ")
TITLE_MAX = 200
TEXT_MAX = 20_000
GUARDIANS = "guardians"  # the responsible choice for "the guardians"


def _required() -> DataRequired:
    return DataRequired(message=_l("Fill in this field."))


def _at_most(limit: int) -> Length:
    return Length(max=limit, message=_l("Write at most %(max)d characters.", max=limit))


class DateInput(DateField):  # type: ignore[misc]
    """A native date field whose parse error speaks the user's language."""

    def process_formdata(self, valuelist: list[str]) -> None:
        """Parse YYYY-MM-DD (what type=date sends); explain anything else."""
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(
                _l("Write the date as day.month.year, for example 24.12.2026.")
            ) from None


def _no_conflict_markers(_form: FlaskForm, field: TextAreaField) -> None:
    if any(line.startswith(CONFLICT_MARKERS) for line in (field.data or "").splitlines()):
        raise ValidationError(
            _l("Choose what should stand where both versions are shown, and remove the marks.")
        )


def _text(label: Any, limit: int = TEXT_MAX, required: bool = False) -> TextAreaField:
    validators: list[Any] = [_required()] if required else [Optional()]
    return TextAreaField(label, validators=[*validators, _at_most(limit), _no_conflict_markers])


def _form_text(value: object) -> str:
    """A stored value as a form shows it: enums by value, dates as ISO, None as empty."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(getattr(value, "value", value))


def _choices(table: dict[str, Any]) -> list[SelectChoice]:
    return [SelectChoice(key, label) for key, label in table.items()]


class DocumentForm(FlaskForm):  # type: ignore[misc]
    """Base of the log's forms: which version it was opened on, and an idempotency key."""

    revision = HiddenField()
    form_key = HiddenField()
    #: Free-text fields: merged line by line on a conflict and previewed as Markdown.
    text_fields: ClassVar[tuple[str, ...]] = ("body",)
    #: Fields whose form name is the document's field name and whose value is its text.
    plain_fields: ClassVar[tuple[str, ...]] = ()

    def ensure_key(self) -> None:
        """Give a freshly drawn form its idempotency key."""
        if not self.form_key.data:
            self.form_key.data = secrets.token_urlsafe(18)

    def values_of(self, document: DocumentBase | None) -> dict[str, str]:
        """The strings this form shows for ``document`` (empty for a missing one)."""
        if document is None:
            return {}
        plain = {name: _form_text(getattr(document, name)) for name in self.plain_fields}
        return {**plain, **self.special_values(document)}

    def changes(self) -> dict[str, Any]:
        """The document fields this form sets, from validated data."""
        plain = {name: self[name].data or "" for name in self.plain_fields}
        return {**plain, **self.special_changes()}

    def special_values(self, document: DocumentBase) -> dict[str, str]:
        """Form strings of fields that are not plain (dates, lists, renamed fields)."""
        return {}

    def special_changes(self) -> dict[str, Any]:
        """Document values of fields that are not plain."""
        return {}

    def field_names(self) -> list[str]:
        """The visible fields, in order."""
        return [f.name for f in self if f.name not in ("revision", "form_key", "csrf_token")]

    def groups(self) -> list[tuple[str, list[str]]]:
        """Fields drawn together under a legend; one unnamed group by default."""
        return [("", self.field_names())]


class ConfirmForm(DocumentForm):
    """A confirmation (approve, withdraw, end): no fields but the revision and the key."""

    text_fields = ()


class GoalForm(DocumentForm):
    """A goal: title, arena, status and a description."""

    title = StringField(
        _l("Goal"),
        description=_l("What should be reached, in a short sentence."),
        validators=[_required(), _at_most(TITLE_MAX)],
    )
    arena = SelectField(_l("Arena"), choices=_choices(ARENA), validators=[InputRequired()])
    status = SelectField(_l("Status"), choices=_choices(GOAL_STATUS), default="active")
    body = _text(_l("Description"))
    plain_fields = ("title", "arena", "status", "body")

    def special_changes(self) -> dict[str, Any]:
        """The title without surrounding spaces."""
        return {"title": self.title.data.strip()}


class ActivityForm(DocumentForm):
    """An activity: who does what by when, and when it is evaluated."""

    title = StringField(
        _l("Activity"),
        description=_l("What will be done, in a short sentence."),
        validators=[_required(), _at_most(TITLE_MAX)],
    )
    responsible = SelectField(_l("Responsible"), validators=[InputRequired()])
    deadline = DateInput(
        _l("Deadline"),
        description=_l("Day.month.year"),
        validators=[InputRequired(message=_l("Write the deadline."))],
    )
    evaluate_on = DateInput(
        _l("Evaluation date"), description=_l("Day.month.year (optional)"), validators=[Optional()]
    )
    status = SelectField(_l("Status"), choices=_choices(ACTIVITY_STATUS), default="planned")
    body = _text(_l("Description"))

    def __init__(
        self, *args: Any, responsible: list[SelectChoice], new: bool, today: date, **kw: Any
    ) -> None:
        """Offer the log's active participants and the guardians as responsible."""
        super().__init__(*args, **kw)
        self.responsible.choices = responsible
        self._new = new
        self._today = today

    def validate_deadline(self, field: DateInput) -> None:
        """A new activity cannot be due in the past."""
        if self._new and field.data is not None and field.data < self._today:
            raise ValidationError(_l("Write a deadline that is today or later."))

    def validate_evaluate_on(self, field: DateInput) -> None:
        """Evaluating before the activity starts makes no sense for a new activity."""
        if self._new and field.data is not None and field.data < self._today:
            raise ValidationError(_l("Write an evaluation date that is today or later."))

    plain_fields = ("title", "deadline", "evaluate_on", "status", "body")

    def special_values(self, document: DocumentBase) -> dict[str, str]:
        """The guardians, or the responsible participant."""
        doc: Any = document
        return {"responsible": GUARDIANS if doc.responsible_is_guardian else doc.responsible}

    def special_changes(self) -> dict[str, Any]:
        """Dates as dates; "the guardians" keeps the holder's id as a placeholder."""
        by_guardians = self.responsible.data == GUARDIANS
        return {
            "title": self.title.data.strip(),
            "responsible_is_guardian": by_guardians,
            "deadline": self.deadline.data,
            "evaluate_on": self.evaluate_on.data,
            **({} if by_guardians else {"responsible": self.responsible.data}),
        }


class EvaluationForm(DocumentForm):
    """The responsible's evaluation of an activity (seed 002 §5.4)."""

    text_fields = ("worked", "did_not_work", "why")
    worked = _text(_l("What worked?"))
    did_not_work = _text(_l("What did not work?"))
    why = _text(_l("Why do you think it went like this?"))
    decision = RadioField(
        _l("What happens next with the activity?"),
        choices=_choices(DECISION),
        validators=[InputRequired(message=_l("Choose what happens next."))],
    )

    def validate_worked(self, field: TextAreaField) -> None:
        """An evaluation says something."""
        if not any((field.data, self.did_not_work.data, self.why.data)):
            raise ValidationError(_l("Write at least what worked or what did not work."))

    plain_fields = ("worked", "did_not_work", "why", "decision")


class CommentForm(DocumentForm):
    """A comment on a goal or an activity."""

    body = _text(_l("Comment"), required=True)
    plain_fields = ("body",)


def _lines(text: str | None) -> list[str]:
    """One item per typed line (a browser sends CR LF; other separators stay in the text)."""
    return [line.strip() for line in re.split(r"\r\n|\r|\n", text or "") if line.strip()]


class PresentationForm(DocumentForm):
    """The holder's short presentation: «Meg som barnehagebarn / elev»."""

    text_fields = ("strengths", "challenges", "body")
    title = StringField(_l("Heading"), validators=[_required(), _at_most(TITLE_MAX)])
    strengths = _text(_l("Strengths"), limit=4000)
    challenges = _text(_l("Challenges"), limit=4000)
    social = StringField(_l("Social"), validators=[Optional(), _at_most(1000)])
    emotional = StringField(_l("Emotional"), validators=[Optional(), _at_most(1000)])
    academic = StringField(_l("Academic"), validators=[Optional(), _at_most(1000)])
    body = _text(_l("More about the child"))

    def validate_strengths(self, field: TextAreaField) -> None:
        """Each line becomes one item, and an item is short."""
        if any(len(line) > 500 for line in _lines(field.data)):
            raise ValidationError(_l("Write each item on its own line, at most 500 characters."))

    validate_challenges = validate_strengths
    plain_fields = ("title", "social", "emotional", "academic", "body")

    def special_values(self, document: DocumentBase) -> dict[str, str]:
        """Lists one item per line."""
        doc: Any = document
        return {"strengths": "\n".join(doc.strengths), "challenges": "\n".join(doc.challenges)}

    def special_changes(self) -> dict[str, Any]:
        """Lists from lines; the heading without surrounding spaces."""
        return {
            "title": self.title.data.strip(),
            "strengths": _lines(self.strengths.data),
            "challenges": _lines(self.challenges.data),
        }


class OwnWordsForm(DocumentForm):
    """The child's or the guardians' own words in the presentation."""

    text_fields = ("words",)
    words = _text(_l("In your own words"))

    def __init__(self, *args: Any, field_name: str, **kw: Any) -> None:
        """``field_name`` is subject_words or guardian_words."""
        super().__init__(*args, **kw)
        self._field = field_name

    def special_values(self, document: DocumentBase) -> dict[str, str]:
        """The viewer's own words."""
        return {"words": getattr(document, self._field)}

    def special_changes(self) -> dict[str, Any]:
        """Only the viewer's own field."""
        return {self._field: self.words.data or ""}


class InitiativeForm(DocumentForm):
    """Who raised the concern, when, and why."""

    raised_by = SelectField(_l("Who raised the concern?"), choices=_choices(RAISED_BY))
    raised_on = DateInput(
        _l("When?"),
        description=_l("Day.month.year"),
        validators=[InputRequired(message=_l("Write the date."))],
    )
    body = _text(_l("What is the concern?"), required=True)

    def __init__(self, *args: Any, today: date, **kw: Any) -> None:
        """The concern was raised in the past, not in the future."""
        super().__init__(*args, **kw)
        self._today = today

    def validate_raised_on(self, field: DateInput) -> None:
        """Not in the future."""
        if field.data is not None and field.data > self._today:
            raise ValidationError(_l("Write a date that is today or earlier."))

    def values_of(self, document: DocumentBase | None) -> dict[str, str]:
        """Form strings of the initiative."""
        if document is None:
            return {}
        doc: Any = document
        return {
            "raised_by": doc.raised_by,
            "raised_on": doc.raised_on.isoformat(),
            "body": doc.body,
        }

    def changes(self) -> dict[str, Any]:
        """Initiative fields."""
        return {
            "raised_by": self.raised_by.data,
            "raised_on": self.raised_on.data,
            "body": self.body.data,
        }
