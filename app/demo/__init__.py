"""Demo data with history: realistic Norwegian content, synthetic identities.

One module per demo log, and the people they share; :func:`build_demo` makes
the directory and every log (idempotent), so every feature can be tried after
``make run``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

from app.demo.kindergarten import kindergarten_log
from app.demo.others import closed_log, pending_log, youth_log
from app.demo.people import (
    MUNICIPALITY,
    STAFF,
    UNITS,
    DemoCitizen,
    DemoStaff,
    demo_citizens,
    synthetic_fnr,
)
from app.demo.school import school_log
from app.directory import Directory, StaffMember, Unit
from app.logs.errors import SubjectAlreadyHasLog
from app.logs.ids import new_document_id
from app.logs.service import LogService

__all__ = [
    "DEMO_LOGS",
    "MUNICIPALITY",
    "STAFF",
    "UNITS",
    "DemoCitizen",
    "DemoStaff",
    "build_demo",
    "create_demo_directory",
    "create_demo_logs",
    "demo_citizens",
    "synthetic_fnr",
]

DEMO_LOGS: dict[str, Callable[[LogService, date], str]] = {
    "kindergarten log (Nora, 4)": kindergarten_log,
    "school log with school and PPT (Jonas, 10)": school_log,
    "log of a 16-year-old who consented herself (Sara)": youth_log,
    "closed log (Liam)": closed_log,
    "log waiting for consent (Ella, 4)": pending_log,
}


def create_demo_directory(directory: Directory, progress: Callable[[str], None] = print) -> None:
    """Create the demo units and staff, unless the directory already has content."""
    if directory.snapshot().revision is not None:
        progress("  already present: demo directory")
        return
    units = [
        Unit(id=new_document_id(), unit_id=unit_id, name=name, service=service)
        for unit_id, (name, service) in UNITS.items()
    ]
    staff = [
        StaffMember(
            id=new_document_id(),
            user_id=m.user_id,
            name=m.name,
            service=m.service,
            unit_ids=[m.unit_id],
            job_title=m.job_title,
            roles=list(m.roles),
            fnr=synthetic_fnr(date(1975, 1 + n, 10 + n), 400 + n),
            email=f"{m.name.split()[0].lower()}@demo.kommune.invalid",
        )
        for n, m in enumerate(STAFF.values())
    ]
    directory.save([*units, *staff], expected_revision=None, actor_id=STAFF["bjorn"].user_id)
    progress(f"  created demo directory: {len(units)} units, {len(staff)} staff")


def create_demo_logs(logs: LogService, progress: Callable[[str], None] = print) -> list[str]:
    """Create the demo logs that do not exist yet; returns all their ids."""
    today = datetime.now(UTC).date()
    ids = []
    for label, build in DEMO_LOGS.items():
        try:
            ids.append(build(logs, today))
            progress(f"  created {label}")
        except SubjectAlreadyHasLog as exists:
            ids.append(exists.log_id)
            progress(f"  already present: {label}")
    return ids


def build_demo(
    directory: Directory, logs: LogService, progress: Callable[[str], None] = print
) -> list[str]:
    """The whole demo: the municipal directory and the demo logs (idempotent)."""
    create_demo_directory(directory, progress=progress)
    return create_demo_logs(logs, progress=progress)
