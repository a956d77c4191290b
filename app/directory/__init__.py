"""The municipal directory: units and staff with their roles.

Kept as its own encrypted Git repository, like a log, so every change of a
role or a unit is versioned and attributable. Staff who log in through
ID-porten are matched by the keyed hash of their fødselsnummer; the number
itself is only inside the encrypted documents.
"""

from app.directory.models import StaffMember, Unit
from app.directory.service import Directory, DirectorySnapshot

__all__ = ["Directory", "DirectorySnapshot", "StaffMember", "Unit"]
