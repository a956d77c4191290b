"""Small helpers the blueprints share to reach the instance and the portal."""

from __future__ import annotations

from flask import current_app

from app.gateway import Portal
from app.instance import Instance


def instance() -> Instance:
    """The instance this app serves."""
    found: Instance = current_app.extensions["stafettlogg"]
    return found


def portal() -> Portal:
    """The gateway's domain verbs."""
    found: Portal = current_app.extensions["portal"]
    return found
