"""The pages of one log, for every audience: /logg/<log_id>/….

The same page serves the holder, a participant, a guardian and the youth; what
each may see and do is the access decision's answer, made beneath the route,
never a second copy of the route. One module per section.
"""

from flask import Blueprint

bp = Blueprint("log", __name__, url_prefix="/logg/<log_id>")

# The section modules register their routes on ``bp`` when imported.
import app.blueprints.log.history  # noqa: E402
import app.blueprints.log.overview  # noqa: E402
import app.blueprints.log.profile  # noqa: E402
import app.blueprints.log.work  # noqa: E402, F401
