from django.urls import path

from . import views

app_name = "emergencies"
urlpatterns = [
    path("", views.emergency_list, name="list"),
    path("export/", views.emergency_export, name="export"),
    path("new/", views.emergency_new, name="new"),
    path("overdue/", views.emergency_overdue, name="overdue"),
    path("stats/", views.emergency_stats, name="stats"),
    path("<str:number>/facts/", views.emergency_facts, name="facts"),
    path("<str:number>/reports/", views.emergency_reports, name="reports"),
    path("<str:number>/report/<str:kind>/", views.emergency_report, name="report"),
    path("<str:number>/acknowledge/", views.emergency_ack, name="acknowledge"),
]
