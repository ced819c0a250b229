"""The project's URLs plus the documents API router on its own test API, so the router is
tested before (and whether or not) the lead mounts it in xinfang/api/api.py."""
from django.urls import path

from xinfang.api import documents
from xinfang.api.api import Utf8JSONRenderer, XinfangAPI
from xinfang.api.errors import JsonParser, exception_handlers_install
from xinfang.urls import urlpatterns as project_urlpatterns

test_api = XinfangAPI(title="documents test", version="test", urls_namespace="documents_api_test",
                      parser=JsonParser(), renderer=Utf8JSONRenderer())
exception_handlers_install(test_api)
test_api.add_router("", documents.router)

urlpatterns = [path("api/documents-test/", test_api.urls), *project_urlpatterns]
