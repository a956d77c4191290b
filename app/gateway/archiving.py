"""The archivist's verbs: the municipality's ended logs, and a log's full history for the archive.

Only the directory's archivist sees the list and exports, and only logs that
have ended (closed, archived or blocked: a blocked log is opened by nobody
but the archive). Every export is written to the log's access log with the
action ``export``: the Noark 5 package (with the full history beside it, as
one .tar) or the history alone as a plain git bundle.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from app.access import Action, Decision, Section, StaffRole, User, UserKind, decide
from app.archive.authors import author_names
from app.archive.content import noon
from app.archive.export import ExportReport, export_log, log_content, write_tar
from app.archive.history_bundle import BundleReport, write_history_bundle
from app.archive.noark5.package import PACKAGE, write_package
from app.archive.noark5.structure import Conversion
from app.archive.pdfa import TOOL, PdfInfo, render_pdfa
from app.documents.fields import ENDED_STATUSES, LogStatus
from app.documents.people import Participant
from app.documents.records import ArchiveDelivery
from app.gateway.core import PortalCore, doc_ref
from app.gateway.errors import NoAccess
from app.logs.ids import new_document_id
from app.logs.layout import DocRef
from app.logs.service import ACCESS_KINDS

#: What the printout shows; whoever downloads it must be allowed to read each.
_PRINTED = (
    Section.OVERVIEW,
    Section.PRESENTATION,
    Section.WORK,
    Section.MEETINGS,
    Section.PARTICIPANTS,
    Section.CONSENTS,
)


@dataclass(frozen=True)
class EndedLog:
    """One line of the archivist's list."""

    log_id: str
    name: str
    unit_id: str
    template: str
    status: str
    opened_on: date
    closed_on: date | None
    closing_reason: str


class ArchiveVerbs(PortalCore):
    """The archivist's verbs of :class:`app.gateway.Portal`."""

    def ended_logs(self, user: User) -> list[EndedLog]:
        """The municipality's closed, archived and blocked logs, newest ending first.

        Each log listed is one the access decision lets the archivist read, and
        the look is written to its access log.
        """
        self._require_archivist(user)
        now = self.clock()
        found = []
        for log_id in self.instance.index.log_ids():
            try:
                snapshot = self._snapshot(log_id, ACCESS_KINDS)
            except NoAccess:
                continue
            overview = snapshot.overview
            if overview.status not in ENDED_STATUSES:
                continue
            facts = self._facts_of(snapshot)
            decision = decide(user, facts, Action.READ, Section.OVERVIEW, now, self.youth_age)
            if not decision:
                continue
            self._record(log_id, user, decision, Section.OVERVIEW, "read", "", now)
            subject = overview.subject
            found.append(
                EndedLog(
                    log_id,
                    f"{subject.given_name} {subject.family_name}",
                    overview.unit_id,
                    overview.template.value,
                    overview.status.value,
                    overview.opened_on,
                    overview.closed_on,
                    overview.closing_reason.value if overview.closing_reason else "",
                )
            )
        return sorted(found, key=lambda e: (e.closed_on or date.min, e.log_id), reverse=True)

    def export_history(
        self, user: User, log_id: str, destination: Path, service: str = ""
    ) -> BundleReport:
        """Write the log's full history as a verified git bundle at ``destination``.

        NoAccess unless the access decision lets this user export this log
        (the archivist, an ended log). Recorded in the access log as ``export``.
        """
        decision, now = self._may_export(user, log_id)
        report = write_history_bundle(
            self.instance.logs, log_id, destination, author_names(self.instance, log_id)
        )
        self._record(log_id, user, decision, Section.HISTORY, "export", service, now)
        return report

    def export_package(
        self, user: User, log_id: str, destination: Path, service: str = ""
    ) -> ExportReport:
        """Write the log's Noark 5 package and full history as one .tar at ``destination``.

        The same rules as :meth:`export_history`. The package is validated and
        checked before the .tar is written; an invalid package raises
        PackageInvalid and nothing is offered.
        """
        decision, now = self._may_export(user, log_id)
        member = self.instance.directory.snapshot().staff.get(user.principal)
        by = member.name if member is not None else user.principal
        report = export_log(
            self.instance,
            log_id,
            destination.parent / "uttrekk",
            by=by,
            force=True,
            now=now,
            workers=2,  # a bounded pool of renderers beside the request's worker
        )
        write_tar(report.folder, destination)
        self._record(log_id, user, decision, Section.HISTORY, "export", service, now)
        return report

    def printout(self, user: User, log_id: str, service: str = "") -> tuple[bytes, date]:
        """The log as it stood at closure, as one PDF/A, for the child's journal and the family.

        The holder prints it for the journal (elevmappe, helsejournal); a
        guardian, or the youth from the consent age, downloads it for themself
        (right of access). Only a closed or archived log, and only for someone
        who may read all of it; the download is written to the access log.
        Returns the PDF and the closing date.
        """
        now = self.clock()
        snapshot = self._snapshot(log_id)
        facts = self._facts_of(snapshot)
        overview = snapshot.overview
        if overview.status not in (LogStatus.CLOSED, LogStatus.ARCHIVED) or not overview.closed_on:
            raise NoAccess(log_id)
        if user.kind == UserKind.STAFF:
            holders = {
                p.participant_id
                for p in facts.participants
                if p.active and p.user_id == user.principal
            }
            if overview.holder not in holders:
                raise NoAccess(log_id)
        elif self._is_child(user, facts, now):
            raise NoAccess(log_id)  # a younger child has their own view, not all of it
        decisions = [self._require(user, facts, Action.READ, section, now) for section in _PRINTED]
        shown = self._shown(user, facts, snapshot)
        # Who has seen the log: in the copy of those who may read the access log (the family).
        may_read_log = decide(user, facts, Action.READ, Section.ACCESS_LOG, now, self.youth_age)
        access = self.instance.access_log.entries(log_id) if may_read_log else None
        content = log_content(self.instance, shown, access=access)
        pdf = render_pdfa(
            content.printout_html(),
            PdfInfo(f"Stafettlogg for {content.subject_name}", "nb", noon(overview.closed_on)),
            snapshot.revision.encode("ascii")[:32],
        )
        self._record(log_id, user, decisions[0], Section.OVERVIEW, "print", service, now)
        return pdf, overview.closed_on

    def deliver_to_archive(
        self,
        user: User,
        log_id: str,
        destination: Path,
        service: str = "",
        delivery_id: str | None = None,
    ) -> bool:
        """The holder files approved minutes and consents as a small Noark 5 package (.tar).

        Seed 002: the holder files to the archive after meetings. Only what was
        not delivered before goes in; the delivery is recorded in the log
        (ArchiveDelivery) so the export at closure marks it instead of sending
        it twice. With ``delivery_id`` the same package is made again, as the
        log stood then. Returns False when there is nothing new to deliver.
        """
        now = self.clock()
        snapshot = self._snapshot(log_id)
        facts = self._facts_of(snapshot)
        decision = self._require(user, facts, Action.MANAGE, Section.OVERVIEW, now)
        holder = {p.participant_id for p in facts.participants if p.user_id == user.principal}
        if snapshot.overview.holder not in holder:
            raise NoAccess(log_id)
        earlier: ArchiveDelivery | None = None
        source = snapshot
        if delivery_id is not None:
            found = snapshot.documents.get(doc_ref(log_id, "archive_delivery", delivery_id))
            if not isinstance(found, ArchiveDelivery):
                raise NoAccess(log_id)
            earlier = found
            made = self.instance.logs.history(log_id, DocRef("archive_delivery", delivery_id))
            source = self.instance.logs.snapshot(log_id, made[-1].revision)
        # The holder files what they may see: not what the guardians hid at a reopening.
        content = log_content(self.instance, self._shown(user, facts, source))
        by = next(
            (p.name for p in source.of_kind(Participant) if p.user_id == user.principal),
            "stafettholder",
        )
        when = earlier.delivered_at if earlier is not None else now
        log = content.delivery(when, by, earlier)
        if log is None:
            return False
        folder = destination.parent / f"leveranse-{log_id}-{when:%Y%m%d}"
        write_package(
            [log],
            folder / PACKAGE,
            self.instance.settings.archive,
            Conversion(when, "stafettlogg", TOOL),
            {log_id: by},
        )
        if earlier is None:
            record = ArchiveDelivery(
                id=new_document_id(),
                delivered_at=now,
                delivered_by=user.principal,
                registrations=[r.system_id for r in log.registrations],
                documents=[d.system_id for r in log.registrations for d in r.documents],
            )
            self.instance.logs.save(
                log_id, [record], expected_revision=snapshot.revision, actor_id=user.principal
            )
        write_tar(folder, destination)
        self._record(log_id, user, decision, Section.OVERVIEW, "archive", service, now)
        return True

    def _may_export(self, user: User, log_id: str) -> tuple[Decision, datetime]:
        """The archivist's decision to export this (ended) log, and the time it was made."""
        self._require_archivist(user, log_id)
        now = self.clock()
        facts = self._facts_of(self._snapshot(log_id))
        decision = decide(user, facts, Action.EXPORT, Section.HISTORY, now, self.youth_age)
        if not decision:
            raise NoAccess(log_id)
        return decision, now

    @staticmethod
    def _require_archivist(user: User, log_id: str = "archive") -> None:
        if user.kind != UserKind.STAFF or StaffRole.ARCHIVIST not in user.staff_roles:
            raise NoAccess(log_id)
