from django.urls import path

from . import views

app_name = "assessments"
urlpatterns = [
    path("", views.assessment_list, name="list"),
    path("new/", views.assessment_create, name="create"),
    path("ledger.xlsx", views.assessment_ledger_export, name="ledger_export"),
    path("<str:number>/facts/", views.assessment_facts, name="facts"),
]
