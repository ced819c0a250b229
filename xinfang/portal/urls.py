from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("submit/", views.submit, name="submit"),
    path("submit/done/", views.submitted, name="submitted"),
    path("captcha/<str:key>.svg", views.captcha_image, name="captcha"),
    path("follow/", views.follow, name="follow"),
    path("follow/matter/", views.matter, name="matter"),
    path("follow/end/", views.follow_end, name="follow_end"),
    path("guide/", views.guide, name="guide"),
    path("guide/scope/", views.guide_scope, name="guide_scope"),
    path("guide/routes/", views.guide_routes, name="guide_routes"),
    path("guide/limits/", views.guide_limits, name="guide_limits"),
    path("privacy/", views.privacy, name="privacy"),
]
