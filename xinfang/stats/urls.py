from django.urls import path

from . import views

app_name = "stats"
urlpatterns = [
    path("", views.stats_index, name="index"),
    path("cases/", views.stats_cases, name="cases"),
    path("hot/", views.stats_hot_cases, name="hot_cases"),
    path("report.xlsx", views.stats_report, name="report"),
    path("report.pdf", views.stats_report_pdf_view, name="report_pdf"),
    path("dashboard/", views.stats_dashboard, name="dashboard"),
    path("assessment/", views.stats_assessment, name="assessment"),
]
