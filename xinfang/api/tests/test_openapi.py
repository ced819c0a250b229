"""The OpenAPI schema is the contract: every operation documents its success and error
responses, and the docs page works with no internet."""
import re

from django.test import Client

from .conftest import openapi

OPERATIONS = {
    ("post", "/api/v1/petitions"), ("get", "/api/v1/cases"), ("get", "/api/v1/cases/{number}"),
    ("post", "/api/v1/cases/{number}/transitions"), ("get", "/api/v1/cases/{number}/timeline"),
    ("get", "/api/v1/public/track/{query_code}"), ("post", "/api/v1/public/track/{query_code}/rating"),
    ("get", "/api/v1/stats/indicators"), ("get", "/api/v1/stats/indicators/{key}"), ("get", "/api/v1/stats/volume"),
    ("get", "/api/v1/stats/trend"),
}


def test_every_operation_is_documented_with_the_error_shape(db):
    schema = openapi()
    found = {(m, p) for p, ops in schema["paths"].items() for m in ops}
    assert found >= OPERATIONS
    # Every operation, including those added after this list, documents the one error shape.
    for method, path in found:
        responses = schema["paths"][path][method]["responses"]
        assert "404" in responses
        for status, spec in responses.items():
            if status.startswith("4"):   # (a 200 may be a file: xlsx, pdf, docx)
                ref = spec["content"]["application/json"]["schema"].get("$ref", "")
                assert ref.endswith("/ErrorOut"), (method, path, status)
    error = schema["components"]["schemas"]["ErrorOut"]
    assert set(error["required"]) == {"code", "message"}
    staff = schema["paths"]["/api/v1/cases"]["get"]
    assert {"401", "422"} <= set(staff["responses"]) and staff["security"]
    assert "security" not in schema["paths"]["/api/v1/public/track/{query_code}"]["get"]
    schemes = schema["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} == {"http", "apiKey"}


def test_docs_page_loads_nothing_from_the_internet(db):
    client = Client()
    r = client.get("/api/v1/docs")
    assert r.status_code == 200
    html = r.content.decode()
    assert "https://" not in html and "http://" not in html and "//cdn" not in html
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert len(assets) == 4
    for url in assets:
        asset = client.get(url)
        assert asset.status_code == 200 and int(asset["Content-Length"]) > 100, url
    assert '"validatorUrl": null' in html  # Swagger UI would otherwise post the schema to swagger.io
    assert client.get("/api/v1/docs/assets/..%2Fsettings.py").status_code == 404
