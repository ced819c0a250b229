"""The project's URLs, with the hazards router mounted on a test API when the project's
API does not mount it yet (once it does, the real /api/v1/hazards is what the tests hit)."""
from django.urls import path
from ninja import NinjaAPI

from xinfang.api.api import Utf8JSONRenderer
from xinfang.api.api import api as project_api
from xinfang.api.errors import (
    JsonParser,
    exception_handlers_install,
    request_validation_convert,
)
from xinfang.api.hazards import router
from xinfang.urls import urlpatterns as project_urlpatterns

if getattr(router, "api", None) is project_api:
    urlpatterns = project_urlpatterns
else:
    class _TestAPI(NinjaAPI):
        def validation_error_from_error_contexts(self, error_contexts):
            return request_validation_convert(error_contexts)

    test_api = _TestAPI(urls_namespace="hazards_test_api", parser=JsonParser(), renderer=Utf8JSONRenderer())
    exception_handlers_install(test_api)
    test_api.add_router("", router)
    urlpatterns = [path("api/v1/", test_api.urls), *project_urlpatterns]
