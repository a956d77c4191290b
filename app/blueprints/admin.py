"""The coordinator's pages: the municipal directory of units and staff."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from app.access import StaffRole, UserKind
from app.blueprints.context import instance
from app.web.events import security_event
from app.web.forms import EditStaffForm, StaffForm, UnitForm
from app.web.users import current_user, login_required

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _page(form: StaffForm | None = None, unit_form: UnitForm | None = None) -> str:
    snapshot = instance().directory.snapshot()
    revision = snapshot.revision or ""
    return render_template(
        "admin/directory.html",
        snapshot=snapshot,
        form=form or StaffForm(units=snapshot.units, revision=revision),
        unit_form=unit_form or UnitForm(prefix="unit", revision=revision),
    )


@bp.get("/katalog")
@login_required(UserKind.STAFF, StaffRole.COORDINATOR)
def directory() -> str:
    """Units and staff, with forms to add both."""
    return _page()


@bp.post("/katalog/enhet")
@login_required(UserKind.STAFF, StaffRole.COORDINATOR)
def add_unit() -> Response | tuple[str, int]:
    """Add a unit (one commit, against the revision shown)."""
    form = UnitForm(request.form, prefix="unit")
    if not form.validate():
        return _page(unit_form=form), 400
    user = current_user()
    assert user is not None
    instance().directory.save(
        [form.to_unit()], expected_revision=form.revision.data or None, actor_id=user.principal
    )
    flash(_("The unit was added."), "success")
    return redirect(url_for("admin.directory"))


@bp.get("/katalog/ansatt/<user_id>")
@login_required(UserKind.STAFF, StaffRole.COORDINATOR)
def edit_staff(user_id: str) -> str:
    """A staff member's unit, roles and whether they are active."""
    snapshot = instance().directory.snapshot()
    member = snapshot.staff.get(user_id)
    if member is None:
        abort(404)
    form = EditStaffForm(
        units=snapshot.units,
        revision=snapshot.revision or "",
        unit=(member.unit_ids or [""])[0],
        roles=member.roles,
        active=member.active,
    )
    return render_template("admin/edit_staff.html", member=member, form=form)


@bp.post("/katalog/ansatt/<user_id>")
@login_required(UserKind.STAFF, StaffRole.COORDINATOR)
def save_staff(user_id: str) -> Response | tuple[str, int]:
    """Save the change as one versioned commit; a deactivated person is logged out everywhere."""
    snapshot = instance().directory.snapshot()
    member = snapshot.staff.get(user_id)
    if member is None:
        abort(404)
    form = EditStaffForm(request.form, units=snapshot.units)
    if not form.validate():
        return render_template("admin/edit_staff.html", member=member, form=form), 400
    user = current_user()
    assert user is not None
    changed = form.apply_to(member)
    instance().directory.save(
        [changed], expected_revision=form.revision.data or None, actor_id=user.principal
    )
    security_event(
        "directory_changed",
        user=user.principal,
        staff=user_id,
        roles=",".join(changed.roles) or "-",
        active=changed.active,
    )
    if not changed.active:
        current_app.session_interface.store.delete_for_principal(user_id)  # type: ignore[attr-defined]
    flash(_("The change was saved."), "success")
    return redirect(url_for("admin.directory"))


@bp.post("/katalog/ansatt")
@login_required(UserKind.STAFF, StaffRole.COORDINATOR)
def add_staff() -> Response | tuple[str, int]:
    """Add a member of staff to the directory (one commit, against the revision shown)."""
    snapshot = instance().directory.snapshot()
    form = StaffForm(request.form, units=snapshot.units)
    if not form.validate():
        return _page(form=form), 400
    user = current_user()
    assert user is not None
    instance().directory.save(
        [form.to_staff_member()],
        expected_revision=form.revision.data or None,
        actor_id=user.principal,
    )
    flash(_("The staff member was added."), "success")
    return redirect(url_for("admin.directory"))
