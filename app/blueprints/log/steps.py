"""Running a form that takes a step in the log's life (consent, the baton, level, closing).

Like :func:`app.blueprints.log.common.run_form`, but the form calls one
life-cycle verb instead of the change pipeline: draw it with the revision and
an idempotency key, validate, call the verb, and explain a refusal above the
form in the user's language (what was chosen stays). Post/Redirect/Get after
the step, so back and reload never send it again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import flash, redirect, render_template, request
from flask_babel import gettext as _
from pydantic import ValidationError
from werkzeug.datastructures import MultiDict

from app.blueprints.log.common import Answer, record_shown, submission_key
from app.blueprints.log.forms import DocumentForm
from app.errors import RULES, STEP_REFUSALS
from app.gateway import LogPage
from app.gateway.lifecycle import LifecycleRefused
from app.lifecycle.machine import StepRefused
from app.logs.errors import EditConflict, RuleViolation

#: What a verb is called with: the form's values, its revision and its idempotency key.
Act = Callable[[dict[str, Any], str, str], object]


def run_step(
    page: LogPage,
    form: DocumentForm,
    act: Act,
    *,
    done: str,
    message: str,
    template: str = "log/form.html",
    initial: dict[str, str] | None = None,
    **context: Any,
) -> Answer:
    """Draw, validate and take one step; see the module docstring."""
    if request.method == "GET":
        form.process(formdata=MultiDict({**(initial or {}), "revision": page.revision}))
        form.ensure_key()
        return render_template(template, page=page, form=form, **context)
    problem = ""
    if form.validate_on_submit():
        try:
            act(
                form.changes(),
                form.revision.data or "",
                submission_key(form.form_key.data or ""),
            )
        except (LifecycleRefused, StepRefused) as refused:
            problem = str(STEP_REFUSALS.get(refused.code, STEP_REFUSALS["not_now"]))
        except EditConflict:
            problem = _("The log changed while you had the page open. Check it and try again.")
        except RuleViolation as broken:
            problem = str(RULES.get(broken.code, RULES["stale_form"]))
        except ValidationError:
            problem = _("Check what you wrote.")
        else:
            flash(message, "success")
            return redirect(done)
    record_shown(page)  # the log is shown again, with the problem: a read
    return render_template(template, page=page, form=form, problem=problem, **context), 400
