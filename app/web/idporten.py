"""Login with ID-porten: OpenID Connect authorization code flow with PKCE (AUTH-01..06).

Authlib does the protocol: state, nonce and the PKCE verifier live in the
server-side session, the id_token's signature is checked against the pinned
issuer's keys, and iss, aud, exp, iat and nonce are validated. On top of that
this module checks what ID-porten's documentation leaves to the client:

* ``acr`` must be ``idporten-loa-high``; Authlib accepts whatever the provider
  returns, so a lower level would otherwise log the user in.
* the RFC 9207 ``iss`` parameter on the callback, the discovered issuer and the
  signing algorithm (RS256 only) must match the configuration.
* ``pid`` must be a valid identity number; synthetic test identities only where
  the configuration allows them (never in production).

The id_token is kept only as a logout hint, sealed, in the server-side session.
"""

from __future__ import annotations

import base64
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit

import requests
from authlib.common.errors import AuthlibBaseError
from authlib.integrations.flask_client import OAuth
from flask import Flask, current_app, redirect, request
from joserfc import jwt
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry
from werkzeug.wrappers import Response

from app.config import Settings
from app.documents.fnr import is_valid_pid
from app.encryption import DecryptionFailed, LogCipher

REQUIRED_ACR = "idporten-loa-high"
ALLOWED_ALGORITHMS = frozenset({"RS256"})
BACKCHANNEL_EVENT = "http://schemas.openid.net/event/backchannel-logout"
LOGOUT_TOKEN_LEEWAY = 300


class LoginRefused(Exception):
    """The login did not meet the requirements; no session was created."""

    def __init__(self, reason: str) -> None:
        """``reason`` is one of: acr, state, token, issuer, pid, unavailable."""
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class VerifiedLogin:
    """A login that passed every check."""

    pid: str
    sid: str | None
    id_token: str


def init_app(app: Flask, settings: Settings) -> None:
    """Register the ID-porten client when an issuer is configured."""
    if not settings.oidc_issuer:
        return
    oauth = OAuth(app)
    oauth.register(
        "idporten",
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret,
        server_metadata_url=f"{settings.oidc_issuer.rstrip('/')}/.well-known/openid-configuration",
        client_kwargs={
            "scope": "openid",
            "code_challenge_method": "S256",
            "token_endpoint_auth_method": "client_secret_post",
        },
    )
    app.extensions["idporten"] = oauth.idporten
    app.extensions["idporten_issuer"] = settings.oidc_issuer.rstrip("/")


def enabled() -> bool:
    """Whether ID-porten login is configured."""
    return "idporten" in current_app.extensions


def issuer_origin(settings: Settings) -> str | None:
    """The issuer's origin, for the CSP form-action list."""
    if not settings.oidc_issuer:
        return None
    parts = urlsplit(settings.oidc_issuer)
    return f"{parts.scheme}://{parts.netloc}"


def start(redirect_uri: str, locale: str) -> Response:
    """Redirect the browser to ID-porten, asking for the highest level.

    With a pushed-authorization-request endpoint in the provider's metadata
    (AUTH-03), the parameters go to the provider server to server and the
    browser carries only an opaque ``request_uri``.
    """
    client = current_app.extensions["idporten"]
    metadata = _checked_metadata(client)
    created = client.create_authorization_url(
        redirect_uri, acr_values=REQUIRED_ACR, ui_locales=locale, prompt="login"
    )
    client.save_authorize_data(redirect_uri=redirect_uri, **created)
    par_endpoint = metadata.get("pushed_authorization_request_endpoint")
    if not par_endpoint:
        return redirect(created["url"])
    parameters = dict(parse_qsl(urlsplit(created["url"]).query))
    try:
        pushed = requests.post(
            str(par_endpoint),
            timeout=5,
            data={
                **parameters,
                "client_id": client.client_id,
                "client_secret": client.client_secret,
            },
        )
        request_uri = pushed.json()["request_uri"] if pushed.status_code == 201 else None
    except (requests.RequestException, ValueError, KeyError):
        request_uri = None
    if not isinstance(request_uri, str):
        raise LoginRefused("unavailable")
    query = urlencode({"client_id": client.client_id, "request_uri": request_uri})
    return redirect(f"{metadata['authorization_endpoint']}?{query}")


def finish(allow_synthetic: bool) -> VerifiedLogin:
    """Complete the callback; raise LoginRefused unless every check passes."""
    client = current_app.extensions["idporten"]
    issuer = current_app.extensions["idporten_issuer"]
    if request.args.get("iss") not in (None, issuer):
        raise LoginRefused("issuer")
    if "state" not in request.args or "code" not in request.args:
        raise LoginRefused("state")
    try:
        _checked_metadata(client)
        token = client.authorize_access_token(leeway=60)
    except LoginRefused:
        raise
    except AuthlibBaseError as exc:
        raise LoginRefused("state" if "state" in str(exc).lower() else "token") from None
    except Exception:  # network errors, malformed tokens, missing keys: never a 500
        raise LoginRefused("token") from None
    claims = token.get("userinfo") or {}
    id_token = str(token.get("id_token", ""))
    if not claims.get("nonce") or _algorithm(id_token) not in ALLOWED_ALGORITHMS:
        raise LoginRefused("token")
    if claims.get("acr") != REQUIRED_ACR:
        raise LoginRefused("acr")
    pid = claims.get("pid")
    if not isinstance(pid, str) or not is_valid_pid(pid, allow_synthetic):
        raise LoginRefused("pid")
    sid = claims.get("sid")
    return VerifiedLogin(pid, sid if isinstance(sid, str) else None, id_token)


def verify_logout_token(raw: str, remember_jti: Callable[[str, float], bool]) -> str:
    """Validate a back-channel logout_token and return its sid (AUTH-06, ASVS V10.5.5).

    Checks the signature against the issuer's keys (RS256 only), ``typ``, ``iss``,
    ``aud``, a recent ``iat``, the back-channel ``events`` member, that there is
    no ``nonce``, and that its ``jti`` has not been seen before (replay).
    """
    client = current_app.extensions["idporten"]
    issuer = current_app.extensions["idporten_issuer"]
    if _algorithm(raw) not in ALLOWED_ALGORITHMS:
        raise LoginRefused("token")
    try:
        keys = KeySet.import_key_set(client.fetch_jwk_set())
        token = jwt.decode(raw, keys, registry=JWSRegistry(algorithms=sorted(ALLOWED_ALGORITHMS)))
    except Exception:
        raise LoginRefused("token") from None
    claims, now = token.claims, time.time()
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    iat = claims.get("iat")
    events = claims.get("events")
    valid = (
        token.header.get("typ", "logout+jwt") == "logout+jwt"
        and claims.get("iss") == issuer
        and client.client_id in audiences
        and isinstance(iat, int | float)
        and abs(now - iat) <= LOGOUT_TOKEN_LEEWAY
        and isinstance(events, dict)
        and BACKCHANNEL_EVENT in events
        and "nonce" not in claims
        and isinstance(claims.get("jti"), str)
        and isinstance(claims.get("sid"), str)
    )
    if not valid:
        raise LoginRefused("token")
    if not remember_jti(claims["jti"], now + 2 * LOGOUT_TOKEN_LEEWAY):
        raise LoginRefused("replay")
    return str(claims["sid"])


def logout_redirect(id_token_hint: str, after_logout: str) -> str | None:
    """The RP-initiated logout URL at ID-porten, or None if it cannot be built."""
    client = current_app.extensions.get("idporten")
    if client is None:
        return None
    try:
        endpoint = client.load_server_metadata().get("end_session_endpoint")
    except Exception:
        return None
    if not endpoint:
        return None
    query = urlencode(
        {
            "id_token_hint": id_token_hint,
            "post_logout_redirect_uri": after_logout,
            "state": secrets.token_urlsafe(16),
        }
    )
    return f"{endpoint}?{query}"


def seal_for_session(id_token: str, key: bytes) -> str:
    """Encrypt the id_token for storage in the session (it contains the pid)."""
    return base64.b64encode(
        LogCipher("session", {1: key}).seal("id-token", id_token.encode())
    ).decode()


def unseal_from_session(sealed: str, key: bytes) -> str | None:
    """Inverse of :func:`seal_for_session`; None if it cannot be opened."""
    try:
        return LogCipher("session", {1: key}).open("id-token", base64.b64decode(sealed)).decode()
    except (DecryptionFailed, ValueError):
        return None


def _checked_metadata(client: object) -> dict[str, object]:
    issuer = current_app.extensions["idporten_issuer"]
    try:
        metadata: dict[str, object] = client.load_server_metadata()  # type: ignore[attr-defined]
    except Exception:
        raise LoginRefused("unavailable") from None
    if str(metadata.get("issuer", "")).rstrip("/") != issuer:
        raise LoginRefused("issuer")
    return metadata


def _algorithm(id_token: str) -> str:
    try:
        header = id_token.split(".")[0]
        return str(json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))["alg"])
    except (ValueError, KeyError, IndexError):
        return ""


__all__ = ["LoginRefused", "VerifiedLogin", "enabled", "finish", "init_app", "start"]
