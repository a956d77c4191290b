"""What of a log goes to the archive, as registrations with their documents.

One registration per approved set of minutes (its amendments as attachments),
per consent (its signed paper as an attachment), per evaluation round (the
evaluations and comments written on one day) and per uploaded document, plus
the log as it stands at closure (the printout for the child's journal). Each
document is described as HTML to be rendered to PDF/A, or as the bytes of an
upload to be converted; nothing here writes files or knows Noark's XML.

Every identifier is stable: a registration takes the systemID stored in its
document's front matter; what has no document of its own (the evaluation
round, the printout, each document description and document object) takes a
UUID derived from a stored one (uuid5), so two exports agree.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from typing import Any
from uuid import UUID, uuid5
from zoneinfo import ZoneInfo

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from app.archive.history_bundle import Author
from app.archive.wording import nb, nb_of
from app.audit.chain import AccessEntry
from app.documents.base import DocumentBase
from app.documents.fields import LogStatus
from app.documents.meetings import Meeting, MinutesAmendment
from app.documents.overview import Initiative, LogOverview, Presentation
from app.documents.people import Consent, Guardian, Participant
from app.documents.records import (
    ArchiveDelivery,
    Attachment,
    BatonHandover,
    LevelChange,
    StatusChange,
)
from app.documents.work import Activity, Evaluation, Goal
from app.logs.layout import DocRef
from app.logs.snapshot import LogSnapshot
from app.rendering import render_markdown
from app.web import labels
from app.web.forms import SERVICE_LABELS

OSLO = ZoneInfo("Europe/Oslo")
MAIN = "Hoveddokument"
ATTACHED = "Vedlegg"
FROM_MARKDOWN = "Markdown med YAML-forside (PRONOM fmt/1149), gjengitt som HTML"

_ENV = Environment(
    loader=PackageLoader("app", "templates/print"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
_ENV.filters["markdown"] = lambda text: Markup(render_markdown(text or ""))  # noqa: S704 (nh3)
_ENV.globals["dash"] = lambda: Markup("<p>–</p>")
_ENV.globals["none_written"] = lambda: Markup("<p>Ingenting ført.</p>")
_ENV.globals["oslo_tz"] = lambda: OSLO


@dataclass(frozen=True)
class ArchivedDocument:
    """One document of a registration: what it is, and how to make its PDF/A."""

    system_id: UUID
    object_id: UUID
    document_type: str
    title: str
    role: str
    created: datetime
    created_by: str
    #: HTML body to render; for an upload, the bytes and media type to convert instead.
    html: str = ""
    upload: bytes = b""
    media_type: str = ""
    converted_from: str = FROM_MARKDOWN
    #: Its number in the registration (dokumentnummer), kept when some are delivered earlier.
    number: int = 0


@dataclass(frozen=True)
class Registration:
    """One registration (arkivnotat) of the log's saksmappe."""

    system_id: UUID
    title: str
    public_title: str
    document_date: date
    created: datetime
    created_by: str
    documents: list[ArchivedDocument] = field(default_factory=list)
    #: Every author (forfatter), when more than the one who created it wrote in it.
    authors: tuple[str, ...] = ()
    #: Set when the holder delivered it while the log was open: then only documents
    #: added since are sent again (the registration keeps its systemID).
    delivered_on: date | None = None


@dataclass(frozen=True)
class ArchivedLog:
    """A log as the archive receives it: the case folder's facts and its registrations."""

    system_id: UUID
    log_id: str
    title: str
    public_title: str
    subject_name: str
    subject_fnr: str
    opened_on: date
    closed_at: datetime
    closed_by: str
    unit_name: str
    holder_name: str
    status: LogStatus
    municipality: str
    level: int
    #: The guardians as (name, fødselsnummer): they are parties to the case.
    guardians: list[tuple[str, str]]
    registrations: list[Registration]
    #: Holder changes, status changes and level changes, oldest first (for endringslogg).
    changes: list[Change]


@dataclass(frozen=True)
class Change:
    """One change of the case folder's metadata, from the log's own records."""

    element: str
    at: datetime
    by: str
    before: str
    after: str
    #: The registration changed, when not the case folder itself.
    registration: UUID | None = None


class LogContent:
    """Reads one log's snapshot into what the archive keeps (see module doc)."""

    def __init__(
        self,
        snapshot: LogSnapshot,
        author_of: Callable[[str], Author],
        unit_names: dict[str, str],
        attachment_bytes: Callable[[str], bytes],
        access_entries: Iterable[AccessEntry] | None = None,
        municipality: str = "",
    ) -> None:
        """``attachment_bytes`` reads an attachment's plaintext by document id."""
        self.snapshot = snapshot
        self.overview: LogOverview = snapshot.overview
        self.author_of = author_of
        self.unit_names = unit_names
        self.attachment_bytes = attachment_bytes
        # Only for those who may read the access log (the family): staff and the
        # archive get a pointer to it instead (app/access/decision.py).
        self.access_entries = None if access_entries is None else list(access_entries)
        self.municipality = municipality or self.overview.municipality
        self.participants = {p.id: p for p in snapshot.of_kind(Participant)}
        subject = self.overview.subject
        self.subject_name = f"{subject.given_name} {subject.family_name}".strip()
        words = {
            word
            for name in (
                subject.given_name,
                subject.family_name,
                *(g.name for g in snapshot.of_kind(Guardian)),
            )
            for word in re.split(r"[\s\-]+", name)
            if len(word) > 1
        }
        self._names = (
            re.compile(
                r"(?<!\w)("
                + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
                + r")(?!\w)",
                re.IGNORECASE,
            )
            if words
            else None
        )
        # What the holder filed while the log was open: registrations (first filing date)
        # and the document descriptions sent with them.
        self._delivered_on: dict[UUID, date] = {}
        self._delivered_documents: set[UUID] = set()
        for delivery in sorted(snapshot.of_kind(ArchiveDelivery), key=lambda d: d.delivered_at):
            for system_id in delivery.registrations:
                self._delivered_on.setdefault(system_id, delivery.delivered_at.date())
            self._delivered_documents.update(delivery.documents)

    # -- the whole log -----------------------------------------------------------

    def archived_log(self, history_html: str = "") -> ArchivedLog:
        """The case folder of an ended log with every registration, in a stable order.

        ``history_html`` is the rendered Logghistorikk (app/archive/history_document.py);
        it becomes a registration of its own. What the holder delivered while the
        log was open is marked, and its documents are not sent again.
        """
        overview = self.overview
        root = _system_id(overview)
        closing = self._closing()
        closed_at = closing.changed_at if closing else noon(overview.closed_on or date.today())
        closed_by = self._user(closing.changed_by) if closing else self.holder_name()
        registrations = [
            self._printout(root, closed_at, closed_by),
            *self._history(root, closed_at, closed_by, history_html),
            *self._minutes(),
            *self._consents(),
            *self._evaluation_rounds(root),
            *self._documents(),
        ]
        registrations = [self._less_delivered(_numbered(r)) for r in registrations]
        return self._folder(root, closed_at, closed_by, registrations)

    def delivery(
        self, now: datetime, by: str, again: ArchiveDelivery | None = None
    ) -> ArchivedLog | None:
        """The approved minutes and consents not yet delivered, as a package of its own.

        For the holder's filing while the log is open (seed 002); None when
        there is nothing new. ``by`` is the holder's name. With ``again`` (read
        from the snapshot the delivery was made on), exactly what it delivered.
        """
        fresh = []
        for registration in [*self._minutes(), *self._consents()]:
            numbered = _numbered(registration)
            if again is None:
                left = replace(self._less_delivered(numbered), delivered_on=None)
            elif numbered.system_id in again.registrations:
                kept = [d for d in numbered.documents if d.system_id in again.documents]
                left = replace(numbered, documents=kept)
            else:
                continue
            if left.documents:
                fresh.append(left)
        if not fresh:
            return None
        return self._folder(_system_id(self.overview), now, by, fresh)

    def _less_delivered(self, registration: Registration) -> Registration:
        if registration.system_id not in self._delivered_on:
            return registration
        return replace(
            registration,
            documents=[
                d for d in registration.documents if d.system_id not in self._delivered_documents
            ],
            delivered_on=self._delivered_on[registration.system_id],
        )

    def _folder(
        self, root: UUID, closed_at: datetime, closed_by: str, registrations: list[Registration]
    ) -> ArchivedLog:
        overview = self.overview
        registrations = sorted(registrations, key=lambda r: (r.created, str(r.system_id)))
        title = f"Stafettlogg (BTI) for {self.subject_name}"
        return ArchivedLog(
            system_id=root,
            log_id=overview.id,
            title=title,
            public_title=self.public(title),
            subject_name=self.subject_name,
            subject_fnr=overview.subject.fnr,
            opened_on=overview.opened_on,
            closed_at=closed_at,
            closed_by=closed_by,
            unit_name=self.unit_names.get(overview.unit_id, overview.unit_id),
            holder_name=self.holder_name(),
            status=overview.status,
            municipality=self.municipality,
            level=overview.level,
            # Parties: the guardians a second person confirmed (a registration alone is a claim).
            guardians=sorted(
                (g.name, g.fnr) for g in self.snapshot.of_kind(Guardian) if g.confirmed_by
            ),
            registrations=registrations,
            changes=self._changes(),
        )

    def public(self, text: str) -> str:
        """Text with every word of the child's and the guardians' names as ******.

        For offentligTittel (M025): whole words, whatever their case, so "Ola"
        in "Ola Petter" and "OLA" are both hidden.
        """
        return self._names.sub("******", text) if self._names is not None else text

    def holder_name(self) -> str:
        """The current holder's name."""
        return self._participant(self.overview.holder)

    def history_title(self) -> str:
        """The title of the rendered history."""
        return f"Logghistorikk for stafettloggen til {self.subject_name}"

    def print_context(self) -> dict[str, str]:
        """What every print page's heading says."""
        return {"municipality": self.municipality, "subject_name": self.subject_name}

    def printout_html(self) -> str:
        """The log as it stands, in plain language, with the access-log summary."""
        return self._render("log.html", **self._log_context())

    # -- registrations --------------------------------------------------------------

    def _printout(self, root: UUID, closed_at: datetime, closed_by: str) -> Registration:
        system_id = uuid5(root, "utskrift")
        title = f"Stafettlogg for {self.subject_name} ved avslutning"
        document = self._document(
            system_id, "Stafettlogg", title, MAIN, closed_at, closed_by, self.printout_html()
        )
        return Registration(
            system_id, title, self.public(title), closed_at.date(), closed_at, closed_by, [document]
        )

    def _history(
        self, root: UUID, closed_at: datetime, closed_by: str, html: str
    ) -> list[Registration]:
        if not html:
            return []
        system_id = uuid5(root, "logghistorikk")
        title = self.history_title()
        document = self._document(
            system_id, "Logghistorikk", title, MAIN, closed_at, closed_by, html
        )
        document = replace(
            document, converted_from="Git-historikk med Markdown-dokumenter, gjengitt som HTML"
        )
        return [
            Registration(
                system_id,
                title,
                self.public(title),
                closed_at.date(),
                closed_at,
                closed_by,
                [document],
            )
        ]

    def _minutes(self) -> list[Registration]:
        amendments: dict[str, list[MinutesAmendment]] = defaultdict(list)
        for amendment in self.snapshot.of_kind(MinutesAmendment):
            amendments[amendment.meeting].append(amendment)
        found = []
        for meeting in self.snapshot.of_kind(Meeting):
            if meeting.approved_at is None:
                continue  # only approved minutes are a record; drafts stay in the history
            system_id = _system_id(meeting)
            by = self._user(meeting.approved_by)
            title = f"Møtereferat: {meeting.title}"
            html = self._render(
                "minutes.html",
                meeting=meeting,
                title=title,
                attendees=[self._attendee(a) for a in meeting.attendees],
                minute_taker=self._participant(meeting.minute_taker),
                approved_by=by,
            )
            documents = [
                self._document(system_id, "Møtereferat", title, MAIN, meeting.approved_at, by, html)
            ]
            for amendment in sorted(amendments[meeting.id], key=lambda a: (a.written_at, a.id)):
                written_by = self._user(amendment.written_by)
                a_title = f"Rettelse til referatet {amendment.written_at.astimezone(OSLO):%d.%m.%Y}"
                documents.append(
                    self._document(
                        _system_id(amendment),
                        "Rettelse",
                        a_title,
                        ATTACHED,
                        amendment.written_at,
                        written_by,
                        self._render(
                            "amendment.html",
                            amendment=amendment,
                            title=a_title,
                            written_by=written_by,
                            meeting=meeting,
                        ),
                    )
                )
            found.append(
                Registration(
                    system_id,
                    title,
                    self.public(title),
                    meeting.starts_at.astimezone(OSLO).date(),
                    meeting.approved_at,
                    by,
                    documents,
                )
            )
        return found

    def _consents(self) -> list[Registration]:
        found = []
        for consent in self.snapshot.of_kind(Consent):
            system_id = _system_id(consent)
            who = "foresatt" if consent.role == "guardian" else "ungdommen selv"
            title = f"Samtykke fra {who}: {nb_of(labels.CONSENT_PURPOSE, consent.purpose)}"
            created = noon(consent.valid_from)
            html = self._render(
                "consent.html",
                consent=consent,
                title=title,
                services=[nb_of(SERVICE_LABELS, s) for s in consent.services],
                refused=[nb_of(SERVICE_LABELS, s) for s in consent.refused],
            )
            documents = [
                self._document(
                    system_id, "Samtykke", title, MAIN, created, consent.given_by_name, html
                )
            ]
            scan = None
            if consent.paper_scan:
                scan = self.snapshot.documents.get(DocRef("attachment", consent.paper_scan))
            if isinstance(scan, Attachment):
                documents.append(self._upload(scan, "Signert samtykke (skann)", ATTACHED))
            found.append(
                Registration(
                    system_id,
                    title,
                    self.public(title),
                    consent.valid_from,
                    created,
                    consent.given_by_name,
                    documents,
                )
            )
        return found

    def _evaluation_rounds(self, root: UUID) -> list[Registration]:
        by_day: dict[date, list[Evaluation]] = defaultdict(list)
        for evaluation in self.snapshot.of_kind(Evaluation):
            by_day[evaluation.written_on].append(evaluation)
        goals = {g.id: g for g in self.snapshot.of_kind(Goal)}
        activities = {a.id: a for a in self.snapshot.of_kind(Activity)}
        found = []
        for day in sorted(by_day):
            entries = sorted(by_day[day], key=lambda e: (e.target, e.id))
            system_id = uuid5(root, f"evaluering:{day.isoformat()}")
            title = f"Evaluering {day:%d.%m.%Y}"
            authors = sorted({self._evaluation_author(e) for e in entries})
            created = noon(day)
            rows = []
            for entry in entries:
                target = (
                    goals.get(entry.target)
                    if entry.target_kind == "goal"
                    else activities.get(entry.target)
                )
                rows.append(
                    {
                        "entry": entry,
                        "target": getattr(target, "title", "(slettet)"),
                        "target_kind": "Mål" if entry.target_kind == "goal" else "Tiltak",
                        "author": self._evaluation_author(entry),
                        "decision": nb_of(labels.DECISION, entry.decision),
                    }
                )
            html = self._render("evaluations.html", title=title, rows=rows)
            document = self._document(
                system_id, "Evaluering", title, MAIN, created, ", ".join(authors), html
            )
            found.append(
                Registration(
                    system_id,
                    title,
                    self.public(title),
                    day,
                    created,
                    ", ".join(authors),
                    [document],
                    authors=tuple(authors),
                )
            )
        return found

    def _documents(self) -> list[Registration]:
        used = {c.paper_scan for c in self.snapshot.of_kind(Consent) if c.paper_scan}
        if self.overview.photo:
            used.add(self.overview.photo)
        found = []
        for attachment in self.snapshot.of_kind(Attachment):
            if attachment.id in used:
                continue  # archived with what it belongs to (or the child's photo: not a record)
            document = self._upload(attachment, f"Dokument: {attachment.title}", MAIN)
            found.append(
                Registration(
                    _system_id(attachment),
                    document.title,
                    self.public(document.title),
                    attachment.uploaded_at.astimezone(OSLO).date(),
                    attachment.uploaded_at,
                    document.created_by,
                    [document],
                )
            )
        return found

    # -- the case folder's changes ------------------------------------------------------

    def _changes(self) -> list[Change]:
        changes = []
        # A consent withdrawn after it was given: a correction of that registration.
        for consent in self.snapshot.of_kind(Consent):
            if consent.withdrawn_at is not None and consent.system_id is not None:
                note = f": {consent.withdrawal_note}" if consent.withdrawal_note else ""
                changes.append(
                    Change(
                        "beskrivelse",
                        consent.withdrawn_at,
                        consent.given_by_name,
                        "Samtykket gjelder",
                        f"Samtykket er trukket tilbake "
                        f"{consent.withdrawn_at.astimezone(OSLO):%d.%m.%Y}{note}",
                        consent.system_id,
                    )
                )
        for handover in self.snapshot.of_kind(BatonHandover):
            if handover.state != "accepted" or handover.handed_over_on is None:
                continue
            changes.append(
                Change(
                    "saksansvarlig",
                    noon(handover.handed_over_on),
                    self._user(handover.offered_by)
                    if handover.offered_by
                    else self._participant(handover.from_holder),
                    self._participant(handover.from_holder),
                    self._participant(handover.to_holder),
                )
            )
        for level in self.snapshot.of_kind(LevelChange):
            changes.append(
                Change(
                    "virksomhetsspesifikkeMetadata (BTI-nivå)",
                    noon(level.changed_on),
                    self._participant(level.decided_by),
                    f"Nivå {level.from_level}",
                    f"Nivå {level.to_level}",
                )
            )
        for step in self.snapshot.of_kind(StatusChange):
            changes.append(
                Change(
                    "saksstatus",
                    step.changed_at,
                    self._user(step.changed_by),
                    _case_status(step.from_status),
                    _case_status(step.to_status),
                )
            )
        changes.sort(key=lambda c: (c.at, c.element, c.after))
        return [c for c in changes if c.before != c.after]

    # -- helpers ---------------------------------------------------------------------------

    def _closing(self) -> StatusChange | None:
        steps = [s for s in self.snapshot.of_kind(StatusChange) if s.step in ("close", "block")]
        return max(steps, key=lambda s: s.changed_at) if steps else None

    def _document(
        self,
        registration: UUID,
        kind: str,
        title: str,
        role: str,
        created: datetime,
        created_by: str,
        html: str,
    ) -> ArchivedDocument:
        return ArchivedDocument(
            # From the stored systemID alone: a title (with a name, or wording that
            # changes with the code) must never change an identifier.
            system_id=uuid5(registration, "dokumentbeskrivelse"),
            object_id=uuid5(registration, "dokumentobjekt:1"),
            document_type=kind,
            title=title,
            role=role,
            created=created,
            created_by=created_by or "ukjent",
            html=html,
        )

    def _upload(self, attachment: Attachment, title: str, role: str) -> ArchivedDocument:
        base = _system_id(attachment)
        kinds = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}
        return ArchivedDocument(
            system_id=uuid5(base, "dokumentbeskrivelse"),
            object_id=uuid5(base, "dokumentobjekt:1"),
            document_type="Skannet dokument" if role == ATTACHED else "Dokument",
            title=title,
            role=role,
            created=attachment.uploaded_at,
            created_by=self._user(attachment.uploaded_by),
            upload=self.attachment_bytes(attachment.id),
            media_type=attachment.media_type,
            converted_from=f"{kinds.get(attachment.media_type, attachment.media_type)} "
            "(opplastet fil)",
        )

    def _render(self, template_name: str, **context: Any) -> str:
        return _ENV.get_template(template_name).render(
            municipality=self.municipality, subject_name=self.subject_name, **context
        )

    def _participant(self, participant_id: str | None) -> str:
        participant = self.participants.get(participant_id or "")
        return participant.name if participant else "ukjent"

    def _user(self, user_id: str | None) -> str:
        if not user_id:
            return "ukjent"
        for participant in self.participants.values():
            if participant.user_id == user_id:
                return participant.name
        return self.author_of(user_id).name

    def _attendee(self, attendee: Any) -> str:
        if attendee.participant:
            return self._participant(attendee.participant)
        role = {"guardian": "foresatt", "subject": "barnet/ungdommen", "guest": "gjest"}
        return f"{attendee.name} ({role.get(attendee.role, attendee.role)})"

    def _evaluation_author(self, entry: Evaluation) -> str:
        if entry.author:
            return self._participant(entry.author)
        if entry.written_by:
            return self._user(entry.written_by)
        return "foresatt" if entry.author_role == "guardian" else "barnet/ungdommen"

    def _log_context(self) -> dict[str, Any]:
        snapshot, overview = self.snapshot, self.overview
        goals = sorted(snapshot.of_kind(Goal), key=lambda g: (g.position, g.id))
        activities: dict[str, list[Activity]] = defaultdict(list)
        for activity in sorted(snapshot.of_kind(Activity), key=lambda a: (a.position, a.id)):
            activities[activity.goal].append(activity)
        presentation = next(iter(snapshot.of_kind(Presentation)), None)
        initiative = next(iter(snapshot.of_kind(Initiative)), None)
        return {
            "title": f"Stafettlogg for {self.subject_name}",
            "overview": overview,
            "unit": self.unit_names.get(overview.unit_id, overview.unit_id),
            "log_template": nb_of(_TEMPLATES, overview.template.value),
            "status": nb_of(labels.STATUS, overview.status.value),
            "closing_reason": nb_of(
                labels.CLOSING_REASON,
                overview.closing_reason.value if overview.closing_reason else None,
            ),
            "holder": self.holder_name(),
            "participants": [
                {"p": p, "service": nb_of(SERVICE_LABELS, p.service.value)}
                for p in sorted(self.participants.values(), key=lambda p: (p.joined_on, p.name))
            ],
            "guardians": sorted(snapshot.of_kind(Guardian), key=lambda g: g.name),
            "presentation": presentation,
            "initiative": initiative,
            "raised_by": nb_of(labels.RAISED_BY, initiative.raised_by) if initiative else "",
            "goals": [
                {
                    "goal": g,
                    "arena": nb_of(labels.ARENA, g.arena.value),
                    "status": nb_of(labels.GOAL_STATUS, g.status),
                    "activities": [
                        {
                            "a": a,
                            "responsible": self._participant(a.responsible),
                            "status": nb_of(labels.ACTIVITY_STATUS, a.status),
                        }
                        for a in activities[g.id]
                    ],
                }
                for g in goals
            ],
            "meetings": sorted(snapshot.of_kind(Meeting), key=lambda m: (m.starts_at, m.id)),
            "consents": [
                {
                    "c": c,
                    "services": ", ".join(nb_of(SERVICE_LABELS, s) for s in c.services) or "–",
                    "purpose": nb_of(labels.CONSENT_PURPOSE, c.purpose),
                }
                for c in sorted(snapshot.of_kind(Consent), key=lambda c: (c.valid_from, c.id))
            ],
            "changes": self._changes(),
            "access": None if self.access_entries is None else self._access_summary(),
            "oslo": OSLO,
        }

    def _access_summary(self) -> list[dict[str, Any]]:
        """Who has looked at or changed the log: one line per person and role."""
        seen: dict[tuple[str, str], dict[str, Any]] = {}
        for entry in self.access_entries or ():
            key = (entry.actor, entry.role)
            line = seen.get(key)
            when = entry.at.astimezone(OSLO).date()
            if line is None:
                line = seen[key] = {
                    "who": self._user(entry.actor),
                    "role": nb_of(labels.RELATION, entry.role)
                    if entry.role in labels.RELATION
                    else entry.role,
                    "reads": 0,
                    "changes": 0,
                    "first": when,
                    "last": when,
                }
            line["changes" if entry.action not in ("read", "export") else "reads"] += 1
            line["first"], line["last"] = min(line["first"], when), max(line["last"], when)
        return sorted(seen.values(), key=lambda line: (line["first"], line["who"]))


_TEMPLATES = {
    "kindergarten": "Barnehage",
    "school": "Skole",
    "health_station": "Helsestasjon",
    "pregnancy": "Svangerskap",
}


def _numbered(registration: Registration) -> Registration:
    """Each document with its place in the registration, before any is left out."""
    documents = [replace(d, number=n) for n, d in enumerate(registration.documents, start=1)]
    return replace(registration, documents=documents)


def _system_id(document: DocumentBase) -> UUID:
    if document.system_id is None:
        raise MissingSystemId(document.kind)  # type: ignore[attr-defined]
    return document.system_id


def render_print(template_name: str, **context: Any) -> str:
    """A print template rendered (autoescaped; Markdown only through the nh3 filter)."""
    return _ENV.get_template(template_name).render(**context)


def upload_html(document: ArchivedDocument, pages: list[str], log: ArchivedLog) -> str:
    """The page around an upload's images, saying what it is and that it was converted."""
    note = (
        f"{document.title}. Arkivkopi av en opplastet fil ({document.converted_from}), "
        f"gjengitt som bilde side for side. Originalfilen finnes i loggens historikk."
    )
    return _ENV.get_template("upload.html").render(
        title=document.title,
        note=note,
        pages=pages,
        municipality=log.municipality,
        subject_name=log.subject_name,
    )


def noon(day: date) -> datetime:
    """A date as a time for the archive: noon in Norway (the document gives only the day)."""
    return datetime.combine(day, time(12, 0), tzinfo=OSLO)


def _case_status(status: LogStatus) -> str:
    """The log's state as Noark's saksstatus."""
    return {
        LogStatus.PENDING: "Opprettet",
        LogStatus.ACTIVE: "Under behandling",
        LogStatus.PASSIVE: "Under behandling",
        LogStatus.CLOSED: "Avsluttet",
        LogStatus.ARCHIVED: "Avsluttet",
        LogStatus.BLOCKED: "Avsluttet",  # kept for the archive, only sperret
    }.get(status, nb(status.value))


class MissingSystemId(Exception):
    """A document stored before systemIDs existed: run ``stafettlogg migrate`` first."""
