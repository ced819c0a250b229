from django.urls import path

from . import views

app_name = "campaigns"
urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("new/", views.campaign_new, name="new"),
    path("<int:pk>/", views.campaign_detail, name="detail"),
    path("<int:pk>/edit/", views.campaign_edit, name="edit"),
    path("<int:pk>/enrol/", views.campaign_enrol, name="enrol"),
    path("<int:pk>/bulk/", views.campaign_bulk, name="bulk"),
    path("<int:pk>/withdraw/<str:number>/", views.campaign_withdraw, name="withdraw"),
    path("<int:pk>/ledger.xlsx", views.campaign_ledger_export, name="ledger_export"),
    path("<int:pk>/report.<str:fmt>", views.campaign_report, name="report"),
    path("case/<str:number>/", views.case_campaigns, name="case"),
    path("case/<str:number>/enrol/", views.case_campaign_enrol, name="case_enrol"),
]
