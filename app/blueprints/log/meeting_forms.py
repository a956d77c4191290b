"""Forms of meetings and messages: calling a meeting, minutes, amendments, messages.

Times are typed as a day and a clock time in the municipality's zone and stored
as aware datetimes. The minutes form is built per meeting, with one field per
agenda item and a few rows for activities agreed at the meeting.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any, ClassVar

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, SelectMultipleField, StringField, TimeField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional, ValidationError
from wtforms.widgets import CheckboxInput

from app.blueprints.log.forms import (
    TITLE_MAX,
    DateInput,
    DocumentForm,
    _at_most,
    _lines,
    _required,
    _text,
)
from app.documents.base import DocumentBase
from app.documents.meetings import Attendee, Meeting
from app.lifecycle.clock import OSLO

AGENDA_MAX = 30
NEW_ACTIVITY_ROWS = 2


class TimeInput(TimeField):  # type: ignore[misc]
    """A native time field whose parse error speaks the user's language."""

    def process_formdata(self, valuelist: list[str]) -> None:
        """Parse HH:MM (what type=time sends); explain anything else."""
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(_l("Write the time as hours:minutes, for example 14:30.")) from None


class CheckboxesField(SelectMultipleField):  # type: ignore[misc]
    """Several choices as checkboxes; also reads one comma-joined value (the merge view's)."""

    option_widget = CheckboxInput()

    def process_formdata(self, valuelist: list[str]) -> None:
        """Ids never hold commas, so a joined value splits back into the same choices."""
        super().process_formdata([part for value in valuelist for part in value.split(",") if part])

    def pre_validate(self, form: Any) -> None:
        """Only offered choices; a forged id is explained in the user's language."""
        offered = {str(option[0]) for option in self.iter_choices()}
        if any(value not in offered for value in self.data or []):
            raise ValidationError(_l("Choose from the list."))


def local(day: date, clock: time) -> datetime:
    """A day and a clock time in Oslo as an aware datetime."""
    return datetime.combine(day, clock, tzinfo=OSLO)


def _https(_form: Any, field: StringField) -> None:
    if field.data and not field.data.strip().startswith("https://"):
        raise ValidationError(_l("Write the full address, starting with https://"))


class MeetingForm(DocumentForm):
    """The holder calls (or changes) a meeting."""

    text_fields: ClassVar[tuple[str, ...]] = ("invitation",)
    title = StringField(
        _l("Title"),
        description=_l("For example: Evaluation meeting"),
        validators=[_required(), _at_most(TITLE_MAX)],
    )
    day = DateInput(
        _l("Date"),
        description=_l("Day.month.year"),
        validators=[InputRequired(message=_l("Write the date."))],
    )
    starts = TimeInput(
        _l("Starts"), validators=[InputRequired(message=_l("Write when it starts."))]
    )
    ends = TimeInput(_l("Ends"), description=_l("Optional"), validators=[Optional()])
    place = StringField(_l("Place"), validators=[Optional(), _at_most(500)])
    video_link = StringField(
        _l("Video meeting link"),
        description=_l("Optional. The full address, starting with https://"),
        validators=[Optional(), _at_most(1000), _https],
    )
    agenda = _text(_l("Agenda"), limit=6000)
    minute_taker = SelectField(
        _l("Minute-taker"),
        description=_l("The holder, if nobody is chosen."),
        validators=[Optional()],
    )
    invited = CheckboxesField(_l("Invited participants"))
    invite_guardians = BooleanField(_l("The guardians are invited"), default=True)
    invite_subject = BooleanField(_l("The child or youth is invited"))
    invitation = _text(_l("Message with the invitation"), limit=6000)

    def __init__(
        self, *args: Any, participants: list[SelectChoice], today: date, new: bool, **kw: Any
    ) -> None:
        """Participants to choose from; a new meeting is not in the past."""
        super().__init__(*args, **kw)
        self.minute_taker.choices = participants
        self.invited.choices = participants
        self._today = today
        self._new = new
        if "invitation" not in self.text_fields:
            del self.invitation
        self.agenda.description = _l("One item per line.")

    def validate_day(self, field: DateInput) -> None:
        """A meeting is called for today or later."""
        if self._new and field.data is not None and field.data < self._today:
            raise ValidationError(_l("Write a date that is today or later."))

    def validate_ends(self, field: TimeInput) -> None:
        """A meeting ends after it starts."""
        if (
            field.data is not None
            and self.starts.data is not None
            and field.data <= self.starts.data
        ):
            raise ValidationError(_l("Write an end time after the start time."))

    def validate_agenda(self, field: Any) -> None:
        """A bounded number of short items."""
        items = _lines(field.data)
        if len(items) > AGENDA_MAX or any(len(item) > 500 for item in items):
            raise ValidationError(
                _l(
                    "Write at most %(n)d items, one per line, each at most 500 characters.",
                    n=AGENDA_MAX,
                )
            )

    def values_of(self, document: DocumentBase | None) -> dict[str, str]:
        """Form strings of a meeting, in Oslo time."""
        if not isinstance(document, Meeting):
            return {}
        starts = document.starts_at.astimezone(OSLO)
        ends = document.ends_at.astimezone(OSLO) if document.ends_at else None
        values = {
            "title": document.title,
            "day": starts.date().isoformat(),
            "starts": starts.strftime("%H:%M"),
            "ends": ends.strftime("%H:%M") if ends else "",
            "place": document.place,
            "video_link": document.video_link,
            "agenda": "\n".join(document.agenda),
            "minute_taker": document.minute_taker or "",
            "invited": ",".join(document.invited),
        }
        # A checkbox is sent only when ticked: an unticked one is simply absent.
        for name in ("invite_guardians", "invite_subject"):
            if getattr(document, name):
                values[name] = "y"
        return values

    def changes(self) -> dict[str, Any]:
        """Meeting fields from the form."""
        fields: Any = self  # the parsing fields type their data loosely; validated here
        day: date = fields.day.data
        starts: time = fields.starts.data
        ends: time | None = fields.ends.data
        return {
            "title": self.title.data.strip(),
            "starts_at": local(day, starts),
            "ends_at": local(day, ends) if ends else None,
            "place": (self.place.data or "").strip(),
            "video_link": (self.video_link.data or "").strip(),
            "agenda": _lines(self.agenda.data),
            "minute_taker": self.minute_taker.data or None,
            "invited": list(self.invited.data or []),
            "invite_guardians": bool(self.invite_guardians.data),
            "invite_subject": bool(self.invite_subject.data),
        }


class MeetingChangeForm(MeetingForm):
    """Changing a called meeting: the invitation was sent already."""

    text_fields = ()


class MinutesFormBase(DocumentForm):
    """Who attended, what was agreed per agenda item, notes, next meeting, new activities."""

    attended = CheckboxesField(_l("Participants who attended"))
    guardians_attended = BooleanField(_l("The guardians attended"))
    subject_attended = BooleanField(_l("The child or youth attended"))
    guests = _text(_l("Others who attended"), limit=4000)
    body = _text(_l("Other notes"))
    next_day = DateInput(
        _l("Date of the next meeting"), description=_l("Optional"), validators=[Optional()]
    )
    next_time = TimeInput(_l("Time of the next meeting"), validators=[Optional()])
    agenda_items: ClassVar[tuple[str, ...]] = ()

    def __init__(
        self,
        *args: Any,
        participants: list[SelectChoice],
        goals: list[SelectChoice],
        responsible: list[SelectChoice],
        today: date,
        **kw: Any,
    ) -> None:
        """Choices for attendees and for the activities agreed at the meeting."""
        super().__init__(*args, **kw)
        self.attended.choices = participants
        self.guests.description = _l("One name per line, with their role if you like.")
        for row in range(NEW_ACTIVITY_ROWS):
            self[f"new_goal_{row}"].choices = [SelectChoice("", _l("No new activity")), *goals]
            self[f"new_responsible_{row}"].choices = responsible
        self._today = today

    def validate_next_time(self, field: TimeInput) -> None:
        """A next meeting has a day and a time."""
        if (self.next_day.data is None) != (field.data is None):
            raise ValidationError(_l("Write both the date and the time of the next meeting."))

    def validate_next_day(self, field: DateInput) -> None:
        """The next meeting is in the future."""
        if field.data is not None and field.data < self._today:
            raise ValidationError(_l("Write a date that is today or later."))

    def validate(self, extra_validators: Any = None) -> bool:
        """Each activity row is either empty or whole: a goal, a title and a deadline."""
        valid: bool = super().validate(extra_validators)
        for row in range(NEW_ACTIVITY_ROWS):
            goal, title = self[f"new_goal_{row}"], self[f"new_title_{row}"]
            deadline = self[f"new_deadline_{row}"]
            if not (goal.data or (title.data or "").strip()):
                continue
            for field, missing, message in (
                (goal, not goal.data, _l("Choose the goal the activity serves.")),
                (title, not (title.data or "").strip(), _l("Write what will be done.")),
                (deadline, deadline.data is None, _l("Write the deadline.")),
            ):
                if missing and not field.errors:
                    field.errors = [*field.errors, message]
                    valid = False
            if deadline.data is not None and deadline.data < self._today:
                deadline.errors = [*deadline.errors, _l("Write a deadline that is today or later.")]
                valid = False
        return valid

    def groups(self) -> list[tuple[str, list[str]]]:
        """Fieldsets: attendance, one per agenda item, notes, next meeting, activity rows."""
        groups: list[tuple[str, list[str]]] = [
            (
                str(_l("Who attended")),
                ["attended", "guardians_attended", "subject_attended", "guests"],
            )
        ]
        for n, item in enumerate(self.agenda_items):
            groups.append((str(_l("Item %(n)d: %(item)s", n=n + 1, item=item)), [f"agreed_{n}"]))
        groups.append((str(_l("Notes")), ["body"]))
        groups.append((str(_l("Next meeting")), ["next_day", "next_time"]))
        for row in range(NEW_ACTIVITY_ROWS):
            names = [f"new_{part}_{row}" for part in ("goal", "title", "responsible", "deadline")]
            groups.append((str(_l("New activity from the meeting (%(n)d)", n=row + 1)), names))
        return groups

    def values_of(self, document: DocumentBase | None) -> dict[str, str]:
        """Form strings of a meeting's minutes."""
        if not isinstance(document, Meeting):
            return {}
        # By position: the extra item's name is translated, and two items may read alike.
        agreed = [o.agreed for o in document.outcomes]
        values = {
            "attended": ",".join(a.participant for a in document.attendees if a.participant),
            "guests": "\n".join(a.name for a in document.attendees if a.role == "guest"),
            "body": document.body,
            **{
                f"agreed_{n}": agreed[n] if n < len(agreed) else ""
                for n in range(len(self.agenda_items))
            },
        }
        roles = {a.role for a in document.attendees}
        if "guardian" in roles:
            values["guardians_attended"] = "y"
        if "subject" in roles:
            values["subject_attended"] = "y"
        if document.next_meeting_at is not None:
            at = document.next_meeting_at.astimezone(OSLO)
            values["next_day"], values["next_time"] = at.date().isoformat(), at.strftime("%H:%M")
        return values

    def changes(self) -> dict[str, Any]:
        """Meeting fields of the minutes (the activity rows are read by :meth:`new_activities`)."""
        attendees = [Attendee(participant=p) for p in self.attended.data or []]
        if self.guardians_attended.data:
            attendees.append(Attendee(role="guardian"))
        if self.subject_attended.data:
            attendees.append(Attendee(role="subject"))
        attendees += [Attendee(name=name, role="guest") for name in _lines(self.guests.data)]
        next_at = None
        if self.next_day.data is not None and self.next_time.data is not None:
            next_at = local(self.next_day.data, self.next_time.data)
        return {
            "attendees": attendees,
            "outcomes": [
                {"item": item, "agreed": self[f"agreed_{n}"].data or ""}
                for n, item in enumerate(self.agenda_items)
            ],
            "body": self.body.data or "",
            "next_meeting_at": next_at,
        }

    def new_activities(self) -> list[dict[str, Any]]:
        """The filled activity rows: goal, title, responsible, deadline."""
        rows = []
        for row in range(NEW_ACTIVITY_ROWS):
            title = (self[f"new_title_{row}"].data or "").strip()
            if title:
                rows.append(
                    {
                        "goal": self[f"new_goal_{row}"].data,
                        "title": title,
                        "responsible": self[f"new_responsible_{row}"].data,
                        "deadline": self[f"new_deadline_{row}"].data,
                    }
                )
        return rows


def minutes_form_class(agenda: list[str]) -> type[MinutesFormBase]:
    """A minutes form with one text field per agenda item (and the activity rows)."""
    items = [*agenda, str(_l("Any other business"))] if agenda else [str(_l("What was agreed"))]
    fields: dict[str, Any] = {
        f"agreed_{n}": _text(_l("What was agreed?"), limit=20_000) for n in range(len(items))
    }
    for row in range(NEW_ACTIVITY_ROWS):
        fields[f"new_goal_{row}"] = SelectField(_l("Goal"), validators=[Optional()])
        fields[f"new_title_{row}"] = StringField(
            _l("Activity"), validators=[Optional(), _at_most(TITLE_MAX)]
        )
        fields[f"new_responsible_{row}"] = SelectField(_l("Responsible"), validators=[Optional()])
        fields[f"new_deadline_{row}"] = DateInput(_l("Deadline"), validators=[Optional()])
    fields["agenda_items"] = tuple(items)
    fields["text_fields"] = (*(f"agreed_{n}" for n in range(len(items))), "body")
    return type("MinutesForm", (MinutesFormBase,), fields)


class AmendmentForm(DocumentForm):
    """A dated, signed correction below approved minutes."""

    body = _text(_l("What is corrected or added"), required=True)
    plain_fields = ("body",)


class CancelForm(DocumentForm):
    """Cancelling a meeting: the reason goes to everyone invited."""

    text_fields = ()
    reason = StringField(
        _l("Why is the meeting cancelled?"),
        description=_l("Optional. Everyone invited sees it."),
        validators=[Optional(), _at_most(1000)],
    )

    def values_of(self, document: DocumentBase | None) -> dict[str, str]:
        """A cancellation starts empty."""
        return {}

    def changes(self) -> dict[str, Any]:
        """The reason."""
        return {"reason": (self.reason.data or "").strip()}


class MessageForm(DocumentForm):
    """A new thread: subject line and text; the holder may include a young child."""

    subject_line = StringField(_l("Subject"), validators=[_required(), _at_most(TITLE_MAX)])
    body = _text(_l("Message"), required=True, limit=20_000)
    include_subject = BooleanField(_l("The child takes part in this conversation"))

    def __init__(self, *args: Any, may_include_child: bool, **kw: Any) -> None:
        """Only the holder of a young child's log chooses whether the child takes part."""
        super().__init__(*args, **kw)
        if not may_include_child:
            del self.include_subject

    def changes(self) -> dict[str, Any]:
        """Message fields."""
        include = "include_subject" in self and bool(self["include_subject"].data)
        return {
            "subject_line": self.subject_line.data.strip(),
            "body": self.body.data or "",
            "include_subject": include,
        }


class ReplyForm(DocumentForm):
    """A reply in a thread: only text, quoting nothing."""

    body = _text(_l("Your reply"), required=True, limit=20_000)

    def changes(self) -> dict[str, Any]:
        """The reply's text."""
        return {"body": self.body.data or ""}

    def values_of(self, document: DocumentBase | None) -> dict[str, str]:
        """An edited message shows its text."""
        return {"body": getattr(document, "body", "")} if document is not None else {}
