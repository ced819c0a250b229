"""A URL conf for the API tests: the 稳评 router on an API of its own in front of the
project's URLs, so the tests run whether or not the lead has mounted it in api/api.py yet
(a path the project already serves is answered the same way by either)."""
from django.urls import path

from xinfang.api.api import Utf8JSONRenderer, XinfangAPI
from xinfang.api.assessments import router
from xinfang.api.errors import JsonParser, exception_handlers_install
from xinfang.urls import urlpatterns as project_urlpatterns

api = XinfangAPI(title="稳评 API（测试）", version="test", urls_namespace="assessments_test_api",
                 parser=JsonParser(), renderer=Utf8JSONRenderer())
exception_handlers_install(api)
api.add_router("", router)

urlpatterns = [path("api/v1/", api.urls), *project_urlpatterns]
