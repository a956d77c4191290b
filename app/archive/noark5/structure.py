"""arkivstruktur.xml and endringslogg.xml for one or more archived logs.

Element order follows the v5.0 schema (xs:sequence), including its traps:
``dokumentbeskrivelse`` before ``tittel`` in a registration, and the
saksmappe's own elements after its registrations. Optional elements without
a value are left out (empty elements are invalid, 6.4.5). Text that XML 1.0
cannot carry (control characters, lone surrogates) is replaced, never
dropped silently, so hostile input still gives a valid file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID, uuid5

from lxml import etree

from app.archive.content import ATTACHED, ArchivedDocument, ArchivedLog, Registration, noon
from app.archive.text import xml_safe
from app.config import ArchiveSettings
from app.documents.fields import ENDED_STATUSES, LogStatus

NS = "http://www.arkivverket.no/standarder/noark5/arkivstruktur"
NS_CHANGES = "http://www.arkivverket.no/standarder/noark5/endringslogg"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SYSTEM = "stafettlogg"
PDFA = "PDF/A-2b (PRONOM fmt/477)"
_ROOT = UUID("5d1c1f0e-6c1b-4f4e-9a43-2f1b8e6a7c10")  # namespace of this system's derived ids


@dataclass(frozen=True)
class RenderedFile:
    """A document object's file as written to the package."""

    path: str  # relative to arkivstruktur.xml, e.g. DOKUMENT/2025/<uuid>.pdf
    sha256: str
    size: int


@dataclass(frozen=True)
class Conversion:
    """When and with what the archive copies were made (the only export-dependent values)."""

    at: datetime
    by: str
    tool: str


def arkivstruktur(
    logs: Sequence[ArchivedLog],
    files: dict[UUID, RenderedFile],
    settings: ArchiveSettings,
    conversion: Conversion,
    created_by: dict[str, str],
) -> bytes:
    """The arkivstruktur.xml of a package holding ``logs`` (one saksmappe each)."""
    first = min(log.opened_on for log in logs)
    last = max(log.closed_at for log in logs)
    arkiv_id = uuid5(_ROOT, f"arkiv:{settings.creator_id}:{settings.archive_title}")
    root = etree.Element(f"{{{NS}}}arkiv", nsmap={None: NS, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", f"{NS} arkivstruktur.xsd")
    _add(root, "systemID", str(arkiv_id))
    _add(root, "tittel", settings.archive_title)
    _add(root, "opprettetDato", _time(noon(first)))
    _add(root, "opprettetAv", SYSTEM)
    _add(root, "avsluttetDato", _time(last))
    _add(root, "avsluttetAv", SYSTEM)
    creator = _add(root, "arkivskaper")
    _add(creator, "arkivskaperID", settings.creator_id)
    _add(creator, "arkivskaperNavn", settings.creator_name)

    series = _add(root, "arkivdel")
    _add(series, "systemID", str(uuid5(arkiv_id, f"arkivdel:{settings.series_title}")))
    _add(series, "tittel", settings.series_title)
    ended = all(log.status in ENDED_STATUSES for log in logs)
    # A filing while the log is open is a delivery from a period still running.
    _add(series, "arkivdelstatus", "Avsluttet periode" if ended else "Aktiv periode")
    _add(series, "opprettetDato", _time(noon(first)))
    _add(series, "opprettetAv", SYSTEM)
    _add(series, "avsluttetDato", _time(last))
    _add(series, "avsluttetAv", SYSTEM)
    _add(series, "arkivperiodeStartDato", first.isoformat())
    _add(series, "arkivperiodeSluttDato", last.date().isoformat())

    system = _add(series, "klassifikasjonssystem")
    _add(
        system, "systemID", str(uuid5(arkiv_id, f"klassifikasjon:{settings.classification_title}"))
    )
    _add(system, "tittel", settings.classification_title)
    _add(system, "opprettetDato", _time(noon(first)))
    _add(system, "opprettetAv", SYSTEM)
    klasse = _add(system, "klasse")
    _add(klasse, "systemID", str(uuid5(arkiv_id, f"klasse:{settings.class_id}")))
    _add(klasse, "klasseID", settings.class_id)
    _add(klasse, "tittel", settings.class_title)
    _add(klasse, "opprettetDato", _time(noon(first)))
    _add(klasse, "opprettetAv", SYSTEM)
    for log in sorted(logs, key=lambda item: (item.opened_on, str(item.system_id))):
        _case_folder(klasse, log, files, settings, conversion, created_by.get(log.log_id, SYSTEM))
    return _bytes(root)


def endringslogg(logs: Sequence[ArchivedLog], changes_of: dict[str, list[Change]]) -> bytes:
    """The endringslogg.xml: each log's recorded changes (at least one in all)."""
    root = etree.Element(f"{{{NS_CHANGES}}}endringslogg", nsmap={None: NS_CHANGES, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", f"{NS_CHANGES} endringslogg.xsd")
    count = 0
    for log in logs:
        for change in changes_of.get(log.log_id, []):
            entry = _add(root, "endring", ns=NS_CHANGES)
            _add(entry, "referanseArkivenhet", str(change.unit), ns=NS_CHANGES)
            _add(entry, "referanseMetadata", change.element, ns=NS_CHANGES)
            _add(entry, "endretDato", _time(change.at), ns=NS_CHANGES)
            _add(entry, "endretAv", change.by, ns=NS_CHANGES)
            _add(entry, "tidligereVerdi", change.before, ns=NS_CHANGES)
            _add(entry, "nyVerdi", change.after, ns=NS_CHANGES)
            count += 1
    if not count:
        raise ValueError("endringslogg needs at least one change")
    return _bytes(root)


@dataclass(frozen=True)
class Change:
    """One endring: which unit, which element, when, by whom, from what to what."""

    unit: UUID
    element: str
    at: datetime
    by: str
    before: str
    after: str


def changes_of(log: ArchivedLog) -> list[Change]:
    """The log's changes as endringslogg entries (the folder's, then corrections)."""
    found = []
    for change in log.changes:
        element = change.element
        before, after = change.before, change.after
        if element.startswith("virksomhetsspesifikkeMetadata"):
            element = "noekkelord"  # the BTI level is the folder's keyword "BTI-nivå n"
            before, after = f"BTI-{before.lower()}", f"BTI-{after.lower()}"
        unit = change.registration or log.system_id
        found.append(Change(unit, element, change.at, change.by, before, after))
    for registration in log.registrations:
        for document in registration.documents:
            if document.document_type == "Rettelse":
                found.append(
                    Change(
                        registration.system_id,
                        "dokumentbeskrivelse",
                        document.created,
                        document.created_by,
                        "Godkjent referat",
                        f"Godkjent referat med rettelse: {document.title}",
                    )
                )
    if not found:  # a log closed before status changes were recorded still closed
        found.append(
            Change(
                log.system_id,
                "saksstatus",
                log.closed_at,
                log.closed_by,
                "Under behandling",
                "Avsluttet",
            )
        )
    return sorted(found, key=lambda c: (c.at, c.element, str(c.unit), c.after))


def _case_folder(
    parent: etree._Element,
    log: ArchivedLog,
    files: dict[UUID, RenderedFile],
    settings: ArchiveSettings,
    conversion: Conversion,
    created_by: str,
) -> None:
    folder = _add(parent, "mappe")
    folder.set(f"{{{XSI}}}type", "saksmappe")
    year, number = case_number(log)
    _add(folder, "systemID", str(log.system_id))
    _add(folder, "mappeID", f"{year}/{number}")
    _add(folder, "tittel", log.title)
    _add(folder, "offentligTittel", log.public_title)
    if log.status == LogStatus.BLOCKED:
        _add(
            folder,
            "beskrivelse",
            "Sperret: familien krevde loggen slettet der arkivplikten gjelder. "
            "Bare arkivet har tilgang.",
        )
    _add(folder, "noekkelord", "BTI")
    _add(folder, "noekkelord", f"BTI-nivå {log.level}")
    _add(folder, "opprettetDato", _time(noon(log.opened_on)))
    _add(folder, "opprettetAv", created_by)
    _add(folder, "avsluttetDato", _time(log.closed_at))
    _add(folder, "avsluttetAv", log.closed_by)
    subject = _add(folder, "part")
    _add(subject, "partID", log.subject_fnr)
    _add(subject, "partNavn", log.subject_name)
    _add(subject, "partRolle", "Planeier (barnet eller ungdommen loggen gjelder)")
    for name, fnr in log.guardians:
        guardian = _add(folder, "part")
        _add(guardian, "partID", fnr)
        _add(guardian, "partNavn", name)
        _add(guardian, "partRolle", "Foresatt")
    _shield(
        folder, settings, ["Skjerming tittel mappe - utvalgte ord", "Skjerming navn part i sak"]
    )
    for registration in log.registrations:
        _registration(folder, registration, log, files, settings, conversion)
    _add(folder, "saksaar", str(year))
    _add(folder, "sakssekvensnummer", str(number))
    _add(folder, "saksdato", log.opened_on.isoformat())
    _add(folder, "administrativEnhet", log.unit_name)
    _add(folder, "saksansvarlig", log.holder_name)
    _add(folder, "saksstatus", "Avsluttet" if log.status in ENDED_STATUSES else "Under behandling")


def case_number(log: ArchivedLog) -> tuple[int, int]:
    """Saksår and sakssekvensnummer: the year it opened, and a number from its systemID.

    Stable across exports without a register of numbers. A municipality that
    registers logs in its sak/arkiv system would give its own case number
    instead (NOTES.md §12).
    """
    return log.opened_on.year, log.system_id.int % 10**12


def _registration(
    parent: etree._Element,
    registration: Registration,
    log: ArchivedLog,
    files: dict[UUID, RenderedFile],
    settings: ArchiveSettings,
    conversion: Conversion,
) -> None:
    record = _add(parent, "registrering")
    record.set(f"{{{XSI}}}type", "arkivnotat")
    _add(record, "systemID", str(registration.system_id))
    _add(record, "opprettetDato", _time(registration.created))
    _add(record, "opprettetAv", registration.created_by)
    _add(record, "arkivertDato", _time(log.closed_at))
    _add(record, "arkivertAv", log.closed_by)
    _shield(record, settings, ["Skjerming tittel registrering - utvalgte ord"])
    for document in registration.documents:
        _description(
            record,
            document,
            document.number,
            log,
            files[document.object_id],
            settings,
            conversion,
        )
    _add(record, "tittel", registration.title)
    _add(record, "offentligTittel", registration.public_title)
    if registration.delivered_on is not None:
        day = registration.delivered_on.strftime("%d.%m.%Y")
        rest = (
            "Her følger bare dokumenter lagt til etterpå."
            if registration.documents
            else "Dokumentene følger ikke med her."
        )
        _add(
            record,
            "beskrivelse",
            f"Levert til arkivet {day} mens loggen var åpen, med samme systemID. {rest}",
        )
    for author in registration.authors or (registration.created_by,):
        _add(record, "forfatter", author)
    _add(record, "dokumentetsDato", registration.document_date.isoformat())
    if registration.documents:
        attached = sum(1 for d in registration.documents if d.role == ATTACHED)
        _add(record, "antallVedlegg", str(attached))


def _description(
    parent: etree._Element,
    document: ArchivedDocument,
    number: int,
    log: ArchivedLog,
    rendered: RenderedFile,
    settings: ArchiveSettings,
    conversion: Conversion,
) -> None:
    description = _add(parent, "dokumentbeskrivelse")
    _add(description, "systemID", str(document.system_id))
    _add(description, "dokumenttype", document.document_type)
    _add(description, "dokumentstatus", "Dokumentet er ferdigstilt")
    _add(description, "tittel", document.title)
    _add(description, "forfatter", document.created_by)
    _add(description, "opprettetDato", _time(document.created))
    _add(description, "opprettetAv", document.created_by)
    _add(description, "tilknyttetRegistreringSom", document.role)
    _add(description, "dokumentnummer", str(number))
    _add(description, "tilknyttetDato", _time(log.closed_at))
    _add(description, "tilknyttetAv", log.closed_by)
    _shield(description, settings, ["Skjerming tittel dokumentbeskrivelse"])
    obj = _add(description, "dokumentobjekt")
    _add(obj, "systemID", str(document.object_id))
    _add(obj, "versjonsnummer", "1")
    _add(obj, "variantformat", "Arkivformat")
    _add(obj, "format", settings.document_format)
    _add(obj, "formatDetaljer", PDFA)
    _add(obj, "opprettetDato", _time(document.created))
    _add(obj, "opprettetAv", document.created_by)
    _add(obj, "referanseDokumentfil", rendered.path)
    _add(obj, "sjekksum", rendered.sha256)
    _add(obj, "sjekksumAlgoritme", "SHA256")
    _add(obj, "filstoerrelse", str(rendered.size))
    converted = _add(obj, "konvertering")
    _add(converted, "konvertertDato", _time(conversion.at))
    _add(converted, "konvertertAv", conversion.by)
    _add(converted, "konvertertFraFormat", document.converted_from)
    _add(converted, "konvertertTilFormat", PDFA)
    _add(converted, "konverteringsverktoey", conversion.tool)


def _shield(parent: etree._Element, settings: ArchiveSettings, what: list[str]) -> None:
    shield = _add(parent, "skjerming")
    _add(shield, "tilgangsrestriksjon", settings.access_restriction)
    _add(shield, "skjermingshjemmel", settings.restriction_basis)
    for item in what:
        _add(shield, "skjermingMetadata", item)
    _add(shield, "skjermingDokument", "Skjerming av hele dokumentet")


def _add(
    parent: etree._Element, name: str, text: str | None = None, ns: str = NS
) -> etree._Element:
    element = etree.SubElement(parent, f"{{{ns}}}{name}")
    if text is not None:
        element.text = xml_text(text)
    return element


def xml_text(value: str) -> str:
    """Text XML 1.0 can carry, never empty (every Noark string has minLength 1)."""
    cleaned = xml_safe(value).strip()
    return cleaned or "(uten tekst)"


def _time(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _bytes(root: etree._Element) -> bytes:
    return bytes(etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True))
