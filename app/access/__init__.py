"""Who may do what with a log: one pure decision, and the facts it needs.

:func:`decide` is a pure function of (user, log facts, action, section, time):
no I/O, no globals, so every rule can be tested as a matrix and the same rule
runs on every request. Deny is the default; a denial is answered exactly like a
missing log (404), so it never reveals that a log exists.
"""

from app.access.decision import Decision, Scope, covered_services, decide, scope
from app.access.facts import ConsentFact, LogFacts, ParticipantFact, facts_from_documents
from app.access.model import Action, Section, StaffRole, User, UserKind

__all__ = [
    "Action",
    "ConsentFact",
    "Decision",
    "LogFacts",
    "ParticipantFact",
    "Scope",
    "Section",
    "StaffRole",
    "User",
    "UserKind",
    "covered_services",
    "decide",
    "facts_from_documents",
    "scope",
]
