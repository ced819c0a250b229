from django.urls import path

from . import views

app_name = "accountability"
urlpatterns = [
    path("", views.record_list, name="list"),
    path("candidates/", views.candidates, name="candidates"),
    path("stats/", views.stats, name="stats"),
    path("stats.xlsx", views.stats_export, name="stats_export"),
    path("case/<str:number>/", views.case_section, name="case"),
    path("case/<str:number>/new/", views.record_new, name="new"),
    path("<int:pk>/", views.record_detail, name="record"),
    path("<int:pk>/decision.<str:fmt>", views.record_document, name="document"),
    path("<int:pk>/<str:action>/", views.record_act, name="act"),
]
