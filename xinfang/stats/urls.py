from django.urls import path

from . import views

app_name = "stats"
urlpatterns = [
    path("", views.stats_index, name="index"),
    path("cases/", views.stats_cases, name="cases"),
    path("report.xlsx", views.stats_report, name="report"),
    path("assessment/", views.stats_assessment, name="assessment"),
]
