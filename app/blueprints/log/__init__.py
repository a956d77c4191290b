"""The pages of one log, for every audience: /logg/<log_id>/….

The same page serves the holder, a participant, a guardian and the youth; what
each may see and do is the access decision's answer, made beneath the route,
never a second copy of the route. One module per section.
"""

from importlib import import_module

from flask import Blueprint

bp = Blueprint("log", __name__, url_prefix="/logg/<log_id>")

# The section modules register their routes on ``bp`` when imported.
_SECTIONS = (
    "archive_pages",
    "calendar",
    "consent_pages",
    "deletion_pages",
    "documents",
    "guardians",
    "history",
    "meetings",
    "messages",
    "overview",
    "participants",
    "profile",
    "stages",
    "work",
)
for _section in _SECTIONS:
    import_module(f"{__name__}.{_section}")
