from django.urls import path

from . import views

app_name = "supervision"
urlpatterns = [
    path("", views.supervision_list, name="list"),
    path("case/<str:number>/", views.case_supervision, name="case"),
    path("case/<str:number>/<str:action>/", views.case_supervision_act, name="act"),
]
