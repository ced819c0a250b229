from django.urls import path

from . import views

app_name = "disputes"
urlpatterns = [
    path("", views.dispute_list, name="list"),
    path("ledger.xlsx", views.dispute_ledger_export, name="ledger"),
    path("new/", views.dispute_new, name="new"),
    path("from-petition/<str:number>/", views.dispute_from_petition_view, name="from_petition"),
    path("petition/<str:number>/links/", views.petition_links, name="petition_links"),
    path("screening/", views.screening, name="screening"),
    path("screening/file/", views.screening_file, name="screening_file"),
    path("screening/<int:pk>/", views.screening_report, name="screening_report"),
    path("levels/", views.resolution_levels, name="levels"),
    path("<str:number>/facts/", views.dispute_facts, name="facts"),
]
