"""The coordinator's pages: the municipal directory of units and staff."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from app.access import StaffRole, UserKind
from app.blueprints.context import instance
from app.web.forms import StaffForm
from app.web.users import current_user, login_required

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/katalog")
@login_required(UserKind.STAFF, StaffRole.COORDINATOR)
def directory() -> str:
    """Units and staff, with a form to add a member of staff."""
    snapshot = instance().directory.snapshot()
    form = StaffForm(units=snapshot.units, revision=snapshot.revision or "")
    return render_template("admin/directory.html", snapshot=snapshot, form=form)


@bp.post("/katalog/ansatt")
@login_required(UserKind.STAFF, StaffRole.COORDINATOR)
def add_staff() -> Response | tuple[str, int]:
    """Add a member of staff to the directory (one commit, against the revision shown)."""
    snapshot = instance().directory.snapshot()
    form = StaffForm(request.form, units=snapshot.units)
    if not form.validate():
        return render_template("admin/directory.html", snapshot=snapshot, form=form), 400
    user = current_user()
    assert user is not None
    instance().directory.save(
        [form.to_staff_member()],
        expected_revision=form.revision.data or None,
        actor_id=user.principal,
    )
    flash(_("The staff member was added."), "success")
    return redirect(url_for("admin.directory"))
