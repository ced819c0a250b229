"""The dispute router mounted on an API of its own, for tests that run before (or without)
the lead mounting it in xinfang/api/api.py; the rest of the site's URLs as usual."""
from django.urls import path

from xinfang import urls as root
from xinfang.api import disputes
from xinfang.api.api import Utf8JSONRenderer, XinfangAPI
from xinfang.api.errors import JsonParser, exception_handlers_install

test_api = XinfangAPI(title="disputes test", version="test", urls_namespace="disputes_api_test",
                      parser=JsonParser(), renderer=Utf8JSONRenderer(), docs_url=None)
exception_handlers_install(test_api)
test_api.add_router("", disputes.router)

urlpatterns = [path("test-api/v1/", test_api.urls), *root.urlpatterns]
