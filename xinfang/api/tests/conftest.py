"""API test helpers: a client per user (bearer token), and a check of every response
against the OpenAPI schema the API publishes (status documented, required keys present,
types right)."""
import datetime as dt
import json

import pytest
from django.core.cache import cache
from django.test import Client

from xinfang.api.services import api_token_issue
from xinfang.core import clock

PETITIONER = dict(name="张三丰", id_number="11010519491231002X", phone="13800138000", address="示范区甲街道1号")
DAY = dt.date(2026, 1, 5)


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The public rate limit counts in the cache; each test starts from zero.
    cache.clear()
    yield
    cache.clear()


_SCHEMA = None


def openapi() -> dict:
    global _SCHEMA
    if _SCHEMA is None:
        _SCHEMA = Client().get("/api/v1/openapi.json").json()
    return _SCHEMA


def _resolve(schema: dict) -> dict:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = openapi()["components"]["schemas"][name]
    return schema


_TYPES = {"object": dict, "array": list, "string": str, "integer": int, "number": (int, float),
          "boolean": bool, "null": type(None)}


def schema_problems(value, schema: dict, where: str = "$") -> list[str]:
    schema = _resolve(schema)
    if "anyOf" in schema:
        options = [schema_problems(value, s, where) for s in schema["anyOf"]]
        return [] if any(not o for o in options) else min(options, key=len)
    problems = []
    kind = schema.get("type")
    if kind:
        expected = _TYPES[kind]
        if not isinstance(value, expected) or (kind == "integer" and isinstance(value, bool)):
            return [f"{where}: expected {kind}, got {type(value).__name__}"]
    if "enum" in schema and value not in schema["enum"]:
        problems.append(f"{where}: {value!r} not in {schema['enum']}")
    if isinstance(value, dict):
        for key in schema.get("required", []):
            if key not in value:
                problems.append(f"{where}: missing required key {key!r}")
        for key, sub in schema.get("properties", {}).items():
            if key in value:
                problems += schema_problems(value[key], sub, f"{where}.{key}")
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            problems += schema_problems(item, schema["items"], f"{where}[{i}]")
    return problems


def assert_documented(response, method: str, path: str) -> dict:
    """The response's status is one the schema lists for this operation, and its body
    matches the schema given for that status. Returns the parsed body."""
    operation = openapi()["paths"][path][method.lower()]
    status = str(response.status_code)
    assert status in operation["responses"], f"{method} {path}: status {status} not documented"
    body = json.loads(response.content)
    schema = operation["responses"][status]["content"]["application/json"]["schema"]
    problems = schema_problems(body, schema)
    assert not problems, f"{method} {path} {status}: {problems}"
    return body


def assert_absent(content: bytes, secrets: list[str]) -> None:
    """Neither as UTF-8 nor as a JSON \\u escape."""
    for secret in secrets:
        escaped = json.dumps(secret).strip('"').encode()
        assert secret.encode() not in content and escaped not in content, secret


class ApiClient:
    """Calls the API as one user, with a bearer token issued through the service."""

    def __init__(self, user=None):
        self.user = user
        self.client = Client()
        self.headers = {}
        if user is not None:
            _, token = api_token_issue(user=user, name="测试")
            self.token = token
            self.headers = {"Authorization": f"Bearer {token}"}

    def get(self, url, **params):
        return self.client.get(url, params, headers=self.headers)

    def post(self, url, data=None, *, raw: bytes | str | None = None):
        body = raw if raw is not None else json.dumps(data, ensure_ascii=False)
        return self.client.post(url, body, content_type="application/json", headers=self.headers)

    # Shortcuts that also check the response against the schema.
    def case(self, number, **params):
        r = self.get(f"/api/v1/cases/{number}", **params)
        return r, assert_documented(r, "get", "/api/v1/cases/{number}")

    def cases(self, **params):
        r = self.get("/api/v1/cases", **params)
        return r, assert_documented(r, "get", "/api/v1/cases")

    def timeline(self, number):
        r = self.get(f"/api/v1/cases/{number}/timeline")
        return r, assert_documented(r, "get", "/api/v1/cases/{number}/timeline")

    def act(self, number, action, version=None, **payload):
        if version is None:
            version = self.case(number)[1]["version"]
        r = self.post(f"/api/v1/cases/{number}/transitions",
                      {"action": action, "version": version, "payload": payload})
        return r, assert_documented(r, "post", "/api/v1/cases/{number}/transitions")

    def register(self, **overrides):
        data = dict(title="小区路灯损坏", content="某小区路灯长期损坏，夜间出行不便。", channel="visit",
                    petitioners=[PETITIONER])
        data.update(overrides)
        r = self.post("/api/v1/petitions", data)
        return r, assert_documented(r, "post", "/api/v1/petitions")


@pytest.fixture
def public():
    return ApiClient()


@pytest.fixture
def registered(tree):
    """A petition registered by the bureau's registrar on DAY and assigned to 甲街道."""
    registrar = ApiClient(tree.registrar)
    with clock.frozen(DAY):
        r, case = registrar.register()
        assert r.status_code == 201, case
        r, case = registrar.act(case["number"], "assign", unit_id=tree.street_a.pk)
        assert r.status_code == 200, case
    return case
