"""The pages of one log, for every audience: /logg/<log_id>/….

The same page serves the holder, a participant, a guardian and the youth; what
each may see and do is the access decision's answer, made beneath the route,
never a second copy of the route. One module per section.
"""

from flask import Blueprint

bp = Blueprint("log", __name__, url_prefix="/logg/<log_id>")

from app.blueprints.log import history, overview, profile, work  # noqa: E402, F401
