from django.contrib import admin
from django.urls import include, path

from xinfang.api.api import api
from xinfang.supervision import circular_views

admin.site.site_header = "信访与矛盾纠纷化解平台 · 管理"
admin.site.site_title = "信访平台管理"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("portal/", include("xinfang.portal.urls")),
    path("intake/", include("xinfang.intake.urls")),
    path("search/", include("xinfang.search.urls")),
    path("notifications/", include("xinfang.notifications.urls")),
    path("stats/", include("xinfang.stats.urls")),
    path("supervision/circulars/", include((circular_views.urlpatterns, "circulars"))),
    path("supervision/", include("xinfang.supervision.urls")),
    path("disputes/", include("xinfang.disputes.urls")),
    path("hazards/", include("xinfang.hazards.urls")),
    path("assessments/", include("xinfang.assessments.urls")),
    path("documents/", include("xinfang.documents.urls")),
    path("emergencies/", include("xinfang.emergencies.urls")),
    path("campaigns/", include("xinfang.campaigns.urls")),
    path("meetings/", include("xinfang.meetings.urls")),
    path("accountability/", include("xinfang.accountability.urls")),
    path("community-board/", include("xinfang.community_board.urls")),
    path("", include("xinfang.web.urls")),
]
