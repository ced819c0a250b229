from django.urls import path

from . import views

app_name = "hazards"
urlpatterns = [
    path("", views.hazard_list, name="list"),
    path("export/", views.hazard_export, name="export"),
    path("new/", views.hazard_new, name="new"),
    path("stats/", views.hazard_stats, name="stats"),
    path("inspections/", views.inspection_list, name="inspections"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection"),
    path("<str:number>/facts/", views.hazard_facts, name="facts"),
]
