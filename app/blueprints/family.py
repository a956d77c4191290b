"""Pages for guardians and the youth (citizens) that are theirs alone."""

from __future__ import annotations

from flask import Blueprint, render_template

from app.access import UserKind
from app.blueprints.context import portal
from app.web.users import current_user, login_required

bp = Blueprint("family", __name__, url_prefix="/familie")


@bp.get("/")
@login_required(UserKind.CITIZEN)
def my_logs() -> str:
    """The logs about my children, or about me."""
    user = current_user()
    assert user is not None
    return render_template(
        "family/my_logs.html",
        logs=portal().my_logs(user),
        outcomes=portal().deletion_outcomes(user),
    )
