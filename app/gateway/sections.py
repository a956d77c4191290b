"""Which section of a log each document kind belongs to, for the access decision."""

from app.access import Section

SECTION_OF_KIND = {
    "log": Section.OVERVIEW,
    "presentation": Section.PRESENTATION,
    "initiative": Section.OVERVIEW,
    "goal": Section.WORK,
    "activity": Section.WORK,
    "evaluation": Section.WORK,
    "meeting": Section.MEETINGS,
    "amendment": Section.MEETINGS,
    "message": Section.MEETINGS,
    "calendar_entry": Section.MEETINGS,
    "participant": Section.PARTICIPANTS,
    "consent": Section.CONSENTS,
    "consent_request": Section.CONSENTS,
    "deletion_request": Section.CONSENTS,
    "guardian": Section.CONSENTS,
    "attachment": Section.ATTACHMENTS,
    "level_change": Section.OVERVIEW,
    "baton_handover": Section.PARTICIPANTS,
    "status_change": Section.OVERVIEW,
    "archive_delivery": Section.OVERVIEW,
}
