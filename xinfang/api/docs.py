"""The API docs page, working offline: Swagger UI's files come from the django-ninja
package on this machine (served below), never from a CDN."""
import json
from pathlib import Path

import ninja
from django.http import FileResponse, HttpRequest
from django.shortcuts import render
from django.urls import reverse
from ninja import Router
from ninja.openapi.docs import DocsBase

from xinfang.core.errors import NotFound

ASSET_DIR = Path(ninja.__file__).parent / "static" / "ninja"
ASSETS = {
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui-init.js": "text/javascript",
    "swagger-ui.css": "text/css",
    "favicon.png": "image/png",
}

router = Router(auth=None)


@router.get("/docs/assets/{name}", include_in_schema=False, url_name="docs_asset")
def docs_asset(request: HttpRequest, name: str):
    if name not in ASSETS:
        raise NotFound()
    response = FileResponse((ASSET_DIR / name).open("rb"), content_type=ASSETS[name])
    response["Cache-Control"] = "public, max-age=86400"
    return response


class LocalSwagger(DocsBase):
    # validatorUrl null: Swagger UI would otherwise send the schema to validator.swagger.io.
    settings = {"layout": "BaseLayout", "deepLinking": True, "validatorUrl": None,
                "persistAuthorization": True}

    def render_page(self, request: HttpRequest, api, **kwargs):
        ns = api.urls_namespace
        context = {
            "api": api,
            "swagger_settings": json.dumps({**self.settings, "url": self.get_openapi_url(api, kwargs)}),
            "asset": {name.split(".")[0].replace("-", "_"): reverse(f"{ns}:docs_asset", kwargs={"name": name})
                      for name in ASSETS},
        }
        return render(request, "api/swagger.html", context)
