"""Tokens: issued once, stored only as a hash, usable as a bearer token; the staff pages'
session works too, with CSRF on writes."""
import hashlib
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from xinfang.api.models import ApiToken
from xinfang.api.services import api_token_issue
from xinfang.audit.models import AuditEntry
from xinfang.core.errors import ValidationFailed

from .conftest import ApiClient


def test_token_is_stored_only_as_its_hash(tree):
    token, plain = api_token_issue(user=tree.handler_a, name="热线对接")
    assert plain.startswith("xf_") and len(plain) > 40
    row = ApiToken.objects.get(pk=token.pk)
    assert row.token_hash == hashlib.sha256(plain.encode()).hexdigest()
    assert plain not in json.dumps([list(r.values()) for r in ApiToken.objects.values()], default=str)
    assert AuditEntry.objects.filter(action="api_token.issue", object_id=str(tree.handler_a.pk)).exists()


def test_token_needs_a_name(tree):
    with pytest.raises(ValidationFailed) as exc:
        api_token_issue(user=tree.handler_a, name="  ")
    assert exc.value.field == "name"
    assert not ApiToken.objects.exists()


def test_token_command_prints_a_working_token(tree):
    out, err = io.StringIO(), io.StringIO()
    call_command("token", "handler_a", "--name", "脚本", stdout=out, stderr=err)
    plain = out.getvalue().strip()
    assert "令牌不会再次显示" in err.getvalue()
    r = Client().get("/api/v1/cases", headers={"Authorization": f"Bearer {plain}"})
    assert r.status_code == 200
    row = ApiToken.objects.get(user=tree.handler_a)
    assert row.name == "脚本" and row.last_used is not None


def test_token_command_for_unknown_user(tree):
    with pytest.raises(CommandError, match="没有用户名为 nobody 的用户"):
        call_command("token", "nobody", stdout=io.StringIO(), stderr=io.StringIO())
    assert not ApiToken.objects.exists()


def test_each_token_acts_as_its_own_user(tree, registered):
    number = registered["number"]
    assert ApiClient(tree.handler_a).case(number)[0].status_code == 200
    assert ApiClient(tree.handler_b).case(number)[0].status_code == 404


def test_session_reads_and_writes_with_csrf(tree, registered):
    number = registered["number"]
    client = Client(enforce_csrf_checks=True)
    client.force_login(tree.handler_a)
    r = client.get(f"/api/v1/cases/{number}")
    assert r.status_code == 200 and r.json()["version"] == 2
    body = json.dumps({"action": "accept", "version": 2, "payload": {}})
    url = f"/api/v1/cases/{number}/transitions"
    r = client.post(url, body, content_type="application/json")
    assert r.status_code == 403 and r.json()["code"] == "csrf_failed"
    assert client.get(f"/api/v1/cases/{number}").json()["version"] == 2
    client.get("/api/v1/docs")  # any page that renders the token sets the CSRF cookie
    csrf = client.cookies["csrftoken"].value
    r = client.post(url, body, content_type="application/json", headers={"X-CSRFToken": csrf})
    assert r.status_code == 200 and r.json()["status"] == "accepted"


def test_logged_out_session_is_401(tree):
    client = Client()
    client.force_login(tree.handler_a)
    client.logout()
    r = client.get("/api/v1/cases")
    assert r.status_code == 401 and r.json()["code"] == "unauthenticated"
