"""The coordinator manages units and staff; every change is a versioned, encrypted commit."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from app.demo import STAFF
from tests.web.conftest import csrf_token, demo_log_ids, login
from tests.web.test_rendering import _dangers

HOLDER = STAFF["hilde"].user_id


def _directory_commits(app: Flask) -> int:
    directory = app.extensions["stafettlogg"].directory
    with directory.store.open("municipal-directory") as repo:
        return len(repo.history())


def test_add_unit_and_staff(fresh_app: Flask) -> None:
    client = fresh_app.test_client()
    login(client, "staff:bjorn")
    before = _directory_commits(fresh_app)
    page = client.get("/admin/katalog").data.decode()
    revision = re.search(r'name="unit-revision" type="hidden" value="([0-9a-f]+)"', page)
    assert revision
    response = client.post(
        "/admin/katalog/enhet",
        data={
            "unit-unit_name": "Fjordly skole",
            "unit-unit_service": "school",
            "unit-revision": revision.group(1),
            "unit-csrf_token": csrf_token(client, "/admin/katalog"),
        },
    )
    assert response.status_code == 302
    assert "Fjordly skole" in client.get("/admin/katalog").data.decode()
    assert _directory_commits(fresh_app) == before + 1

    stale = client.post(
        "/admin/katalog/enhet",
        data={
            "unit-unit_name": "Utdatert",
            "unit-unit_service": "school",
            "unit-revision": revision.group(1),
            "unit-csrf_token": csrf_token(client, "/admin/katalog"),
        },
    )
    assert stale.status_code == 409  # saved against an old revision: refused, never overwritten
    assert "Utdatert" not in client.get("/admin/katalog").data.decode()


def test_roles_change_and_deactivation_ends_sessions(fresh_app: Flask) -> None:
    hilde = fresh_app.test_client()
    login(hilde, "staff:hilde")
    nora = demo_log_ids(fresh_app)["Nora"]
    assert hilde.get(f"/logg/{nora}/").status_code == 200

    coordinator = fresh_app.test_client()
    login(coordinator, "staff:bjorn")
    form_page = coordinator.get(f"/admin/katalog/ansatt/{HOLDER}").data.decode()
    revision = re.search(r'name="revision" type="hidden" value="([0-9a-f]+)"', form_page)
    assert revision
    response = coordinator.post(
        f"/admin/katalog/ansatt/{HOLDER}",
        data={
            "unit": "enhet-solsikken",
            "roles": ["unit_leader"],
            "revision": revision.group(1),
            "csrf_token": csrf_token(coordinator, f"/admin/katalog/ansatt/{HOLDER}"),
        },
    )
    assert response.status_code == 302
    member = fresh_app.extensions["stafettlogg"].directory.snapshot().staff[HOLDER]
    assert member.roles == ["unit_leader"] and member.active is False
    assert hilde.get(f"/logg/{nora}/").status_code == 302  # logged out everywhere
    token = csrf_token(hilde, "/demo/logg-inn")
    again = hilde.post("/demo/logg-inn", data={"who": f"staff:{HOLDER}", "csrf_token": token})
    assert again.status_code == 400


def test_unknown_staff_member_is_404(client: FlaskClient) -> None:
    login(client, "staff:bjorn")
    assert client.get("/admin/katalog/ansatt/s-nobody00").status_code == 404


def test_blns_in_every_directory_field(fresh_app: Flask, blns: list[str]) -> None:
    """Hostile strings are stored and shown escaped, or refused with a message; never a 500."""
    client = fresh_app.test_client()
    login(client, "staff:bjorn")
    statuses: dict[int, int] = {}
    stored = []
    for number, text in enumerate(blns):
        page = client.get("/admin/katalog").data.decode()
        revision = re.search(r'name="revision" type="hidden" value="([0-9a-f]+)"', page)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
        assert revision and token
        fields = ("name", "job_title", "email", "phone", "fnr")
        data = {field: text for field in fields}
        if number % 2 == 0:  # half the time only the free-text fields, so they get stored
            data.update(email="", phone="", fnr="", name=text or "-")
        response = client.post(
            "/admin/katalog/ansatt",
            data={
                **data,
                "service": text if number % 7 == 0 else "school",
                "unit": "enhet-ppt",
                "roles": [text] if number % 5 == 0 else [],
                "revision": revision.group(1),
                "csrf_token": token.group(1),
            },
        )
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        assert response.status_code in (302, 400), (number, text, response.status_code)
        if response.status_code == 302:
            stored.append(text)
    assert statuses.get(302, 0) > 150 and statuses.get(400, 0) > 150
    page = client.get("/admin/katalog")
    assert page.status_code == 200
    assert _dangers(page.data.decode(), allow_forms=True) == []  # shown as text, never markup
    snapshot = fresh_app.extensions["stafettlogg"].directory.snapshot()
    names = {m.name for m in snapshot.staff.values()}
    assert [text for text in stored if (text or "-") not in names] == []  # stored unchanged
