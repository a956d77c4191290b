"""stafettlogg: the BTI relay log as encrypted Git repositories behind a gateway.

Nothing happens at import time: :func:`create_app` builds the web application
from configuration, and ``app.cli`` builds the command line.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the gateway for one instance.

    ``config`` keys starting with ``STAFETTLOGG_`` override the environment
    (instance folder, demo mode …); all other keys go to Flask's config.
    """
    from flask_wtf.csrf import CSRFProtect

    from app import errors
    from app.blueprints import admin, archive, auth, child, family, feeds, log, public, staff
    from app.config import load_settings
    from app.gateway import Portal
    from app.instance import open_instance
    from app.web import i18n, idporten, labels, page_cache, security
    from app.web.sessions import ServerSessionInterface, SessionStore
    from app.web.uploads import InMemoryUploads

    config = dict(config or {})
    overrides = {k: str(v) for k, v in config.items() if k.startswith("STAFETTLOGG_")}
    settings = load_settings({**os.environ, **overrides})
    instance = open_instance(settings)
    instance.store.recover()  # stale Git locks from a crash are cleared at start

    app = Flask(__name__, instance_path=str(settings.instance_path))
    app.request_class = InMemoryUploads
    app.config.from_mapping(
        SECRET_KEY=instance.keys.secret("web-secret-key"),
        # The largest document, plus room for the form around it; a photo is capped lower.
        MAX_CONTENT_LENGTH=max(settings.max_upload_bytes, 10 * 1024 * 1024) + 1024 * 1024,
        MAX_FORM_MEMORY_SIZE=600 * 1024,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the (time-limited) session
        WTF_CSRF_SSL_STRICT=False,  # no Referer is ever sent; Origin is checked instead
        SESSION_IDLE_SECONDS=30 * 60,
        SESSION_ABSOLUTE_SECONDS=10 * 60 * 60,
        BABEL_DEFAULT_TIMEZONE="Europe/Oslo",
    )
    app.config.update({k: v for k, v in config.items() if not k.startswith("STAFETTLOGG_")})
    app.extensions["stafettlogg"] = instance
    app.extensions["portal"] = Portal(instance)

    app.session_interface = ServerSessionInterface(
        SessionStore(settings.instance_path / "sessions.sqlite3"),
        idle_seconds=app.config["SESSION_IDLE_SECONDS"],
        absolute_seconds=app.config["SESSION_ABSOLUTE_SECONDS"],
        cookie_name="__Host-stafettlogg" if settings.production else "stafettlogg_session",
        secure=settings.production,
    )
    csrf = CSRFProtect(app)
    i18n.init_app(app)
    idporten.init_app(app, settings)
    origin = idporten.issuer_origin(settings)
    security.init_app(app, production=settings.production, form_targets=(origin,) if origin else ())
    errors.register(app)
    page_cache.init_app(app)
    labels.init_app(app)
    app.jinja_env.globals["demo_mode"] = settings.demo

    app.view_functions["static"] = public.static_file  # from memory, like the other assets
    app.register_blueprint(public.bp)
    app.register_blueprint(auth.bp)
    csrf.exempt(auth.backchannel_logout)  # a signed server-to-server call, verified itself
    if settings.demo:
        app.register_blueprint(auth.demo_bp)
    app.register_blueprint(child.bp)
    app.register_blueprint(family.bp)
    app.register_blueprint(staff.bp)
    app.register_blueprint(log.bp)
    app.register_blueprint(feeds.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(archive.bp)
    return app
