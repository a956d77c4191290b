"""Running a form or a button that takes a step in the log's life (consent, baton, level, closing).

Like :func:`app.blueprints.log.common.run_form`, but the form calls one
life-cycle verb of the portal instead of the change pipeline. Every verb takes
the same frame (the user, the log, then the form's revision, idempotency key
and the user's service), which is filled in here once; a view only says which
verb and what the form's values mean to it. A refusal is explained in the
user's language (above the form, or as a message after a button), never as a
500. Post/Redirect/Get after the step, so back and reload never send it again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort, flash, redirect, render_template, request
from flask_babel import gettext as _
from pydantic import ValidationError
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from app.access import Section
from app.blueprints.context import portal
from app.blueprints.log.common import Answer, open_page, record_shown, showing, submission_key
from app.blueprints.log.common import viewer as current_viewer
from app.blueprints.log.forms import DocumentForm
from app.errors import RULES, STEP_REFUSALS
from app.gateway import LogPage, NoAccess
from app.gateway.lifecycle import LifecycleRefused
from app.lifecycle.machine import StepRefused
from app.logs.errors import EditConflict, RuleViolation
from app.web.users import current_service

#: A life-cycle verb of the portal: ``verb(user, log_id, *args, seen_revision=…, form_key=…,
#: service=…, **arguments)``.
Verb = Callable[..., object]


def step_page(
    log_id: str,
    section: Section,
    who: Callable[[LogPage], bool],
    when: Callable[[LogPage], bool] = lambda _page: True,
) -> LogPage:
    """The log at ``section`` for a viewer ``who`` admits, ``when`` the step fits; else 404.

    The step's own effect can make ``when`` false (the log is closed, the baton
    offered): a form sent again after that (a double click, a reload) goes on
    to the verb, which finds it done and answers as the first time. Nothing is
    recorded here: drawing the form is recorded as the read.
    """
    page = open_page(log_id, section, record=False)
    if not who(page) or (not when(page) and not _sent_before(log_id)):
        raise NoAccess(log_id)
    return page


def _sent_before(log_id: str) -> bool:
    """Whether this request sends a form this user already sent for this log."""
    key = submission_key(request.form.get("form_key", "")) if not showing() else ""
    return bool(key) and portal().instance.form_keys.known(current_viewer().principal, key, log_id)


def run_step(
    page: LogPage,
    form: DocumentForm,
    verb: Verb,
    *,
    args: tuple[object, ...] = (),
    arguments: Callable[[dict[str, Any]], dict[str, Any]] = dict,
    done: str,
    message: str,
    template: str = "log/form.html",
    initial: dict[str, str] | None = None,
    **context: Any,
) -> Answer:
    """Draw, validate and take one step; ``arguments`` turns the form's values into the verb's."""
    if request.method == "GET":
        form.process(formdata=MultiDict({**(initial or {}), "revision": page.revision}))
        form.ensure_key()
        record_shown(page)
        return render_template(template, page=page, form=form, **context)
    problem = ""
    if form.validate_on_submit():
        problem = _take(verb, page.log_id, args, arguments(form.changes()), form)
        if not problem:
            flash(message, "success")
            return redirect(done)
    record_shown(page)  # the log is shown again, with the problem: a read
    return render_template(template, page=page, form=form, problem=problem, **context), 400


def run_button(
    log_id: str,
    verb: Verb,
    *,
    args: tuple[object, ...] = (),
    arguments: dict[str, Any] | None = None,
    done: str,
    message: str,
) -> Response:
    """A one-click step (renew, accept the baton): take it and go back with a message."""
    form = DocumentForm()
    if not form.validate_on_submit():
        flash(_("The form expired. Try again."), "warning")
        return redirect(done)
    problem = _take(verb, log_id, args, arguments or {}, form)
    flash(problem or message, "warning" if problem else "success")
    return redirect(done)


def _take(
    verb: Verb, log_id: str, args: tuple[object, ...], values: dict[str, Any], form: DocumentForm
) -> str:
    """Call the verb in the common frame; the refusal explained, or "" when it was taken.

    A broken value the verb rejects only after its access check (ValueError) is a 400.
    """
    try:
        verb(
            current_viewer(),
            log_id,
            *args,
            seen_revision=form.revision.data or "",
            form_key=submission_key(form.form_key.data or ""),
            service=current_service(),
            **values,
        )
    except (LifecycleRefused, StepRefused) as refused:
        return str(STEP_REFUSALS.get(refused.code, STEP_REFUSALS["not_now"]))
    except EditConflict:
        return str(_("The log changed while you had the page open. Check it and try again."))
    except RuleViolation as broken:
        return str(RULES.get(broken.code, RULES["stale_form"]))
    except ValidationError:
        return str(_("Check what you wrote."))
    except ValueError:
        abort(400)
    return ""
