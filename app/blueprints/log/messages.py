"""Messages: threads between the participants and the family.

A reply quotes nothing. Opening a thread marks it as seen (outside Git); the
author may change a message until someone else has seen it, and may always
withdraw it: its text then leaves the log's current state but stays in the
encrypted history.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask import render_template, request, url_for
from flask_babel import gettext as _

from app.access import Section
from app.blueprints.context import portal
from app.blueprints.log import bp
from app.blueprints.log.common import (
    Answer,
    author_role,
    document,
    open_page,
    require_write,
    run_form,
    showing,
    viewer,
)
from app.blueprints.log.forms import ConfirmForm
from app.blueprints.log.meeting_forms import MessageForm, ReplyForm
from app.documents.meetings import Message
from app.gateway import LogPage, NoAccess
from app.gateway.changes import Change
from app.logs.ids import new_document_id
from app.logs.layout import DocRef
from app.messages.threads import Thread
from app.web.users import login_required


def _thread(page: LogPage, thread_id: str) -> Thread:
    """A thread the viewer can see, by its first message."""
    for thread, _new in page.threads:
        if thread.id == thread_id:
            return thread
    raise NoAccess(page.log_id)


def _message(page: LogPage, message_id: str) -> Message:
    found = document(page, "message", message_id)
    if not isinstance(found, Message):
        raise NoAccess(page.log_id)
    return found


def _writer_page(log_id: str) -> LogPage:
    page = open_page(log_id, Section.MEETINGS, record=showing())
    require_write(page, Section.MEETINGS)
    return page


def _new_message(page: LogPage, **fields: Any) -> Message:
    return Message(
        id=new_document_id(),
        author=viewer().principal,
        author_role=author_role(page),
        sent_at=datetime.now(UTC),
        **fields,
    )


def _to_thread(page: LogPage, thread_id: str) -> str:
    return url_for("log.thread", log_id=page.log_id, thread_id=thread_id) + "#latest"


@bp.get("/meldinger")
@login_required()
def messages(log_id: str) -> str:
    """The threads, newest first, with what is new since the viewer last looked."""
    page = open_page(log_id, Section.MEETINGS)
    return render_template("log/messages.html", page=page, threads=page.threads, nav="messages")


@bp.route("/meldinger/ny", methods=["GET", "POST"])
@login_required()
def new_thread(log_id: str) -> Answer:
    """Start a conversation with everyone in the log."""
    page = _writer_page(log_id)
    if page.viewer.relation == "child":  # a young child answers; the grown-ups start threads
        raise NoAccess(log_id)
    may_include = page.viewer.is_holder and page.subject_is_minor
    form = MessageForm(may_include_child=may_include)

    def make(values: dict[str, Any]) -> Change:
        return Change((_new_message(page, **values),))

    return run_form(
        page,
        form,
        target=None,
        make_change=make,
        done=url_for("log.messages", log_id=log_id),
        message=_("The message is sent."),
        heading=_("New message"),
        intro=_("Everyone who takes part in the log can read it, and the guardians."),
        nav="messages",
        nav_back=url_for("log.messages", log_id=log_id),
        save_label=_("Send"),
    )


@bp.route("/meldinger/<thread_id>", methods=["GET", "POST"])
@login_required()
def thread(log_id: str, thread_id: str) -> Answer:
    """A conversation, oldest first, with a reply form for those who may write."""
    user = viewer()
    page = open_page(log_id, Section.MEETINGS, record=showing())
    found = _thread(page, thread_id)
    if request.method == "GET":
        portal().see_thread(user, log_id, found)
    context: dict[str, Any] = {
        "thread": found,
        "editable": {m.id for m in found.messages if portal().may_edit(user, log_id, m)},
        "nav": "messages",
    }
    if not page.may_write("meetings"):
        if request.method != "GET":
            raise NoAccess(log_id)
        return render_template("log/thread.html", page=page, form=None, **context)

    def make(values: dict[str, Any]) -> Change:
        reply = _new_message(page, subject_line=found.first.subject_line, thread=found.id, **values)
        return Change((reply,))

    return run_form(
        page,
        ReplyForm(),
        target=None,
        make_change=make,
        template="log/thread.html",
        done=_to_thread(page, thread_id),
        message=_("The reply is sent."),
        **context,
    )


@bp.route("/meldinger/<message_id>/endre", methods=["GET", "POST"])
@login_required()
def edit_message(log_id: str, message_id: str) -> Answer:
    """The author corrects a message nobody else has seen yet."""
    page = _writer_page(log_id)
    found = _message(page, message_id)
    if not portal().may_edit(viewer(), log_id, found):
        raise NoAccess(log_id)

    def make(values: dict[str, Any]) -> Change:
        return Change((found.revised(body=values["body"], edited_at=datetime.now(UTC)),))

    back = _to_thread(page, found.thread or found.id)
    return run_form(
        page,
        ReplyForm(),
        target=DocRef("message", message_id),
        make_change=make,
        done=back,
        message=_("The message is changed."),
        heading=_("Change your message"),
        intro=_("You can change it until someone else has read it."),
        nav="messages",
        nav_back=back,
    )


@bp.route("/meldinger/<message_id>/trekk-tilbake", methods=["GET", "POST"])
@login_required()
def withdraw(log_id: str, message_id: str) -> Answer:
    """The author withdraws a message: the text leaves the log, the history keeps it."""
    page = _writer_page(log_id)
    found = _message(page, message_id)
    if found.author != viewer().principal or found.withdrawn_at is not None:
        raise NoAccess(log_id)
    if found.purpose != "message":  # what the log sent about a meeting stays as sent
        raise NoAccess(log_id)

    def make(_values: dict[str, Any]) -> Change:
        return Change((found.revised(body="", withdrawn_at=datetime.now(UTC)),))

    back = _to_thread(page, found.thread or found.id)
    return run_form(
        page,
        ConfirmForm(),
        target=DocRef("message", message_id),
        make_change=make,
        done=back,
        message=_("The message is withdrawn."),
        heading=_("Withdraw your message?"),
        intro=_(
            "The text disappears from the conversation; the others see that a message "
            "was withdrawn. It is kept in the log's history, as the law requires."
        ),
        nav="messages",
        nav_back=back,
        save_label=_("Withdraw the message"),
    )
