from django.urls import path

from . import home, views

app_name = "web"
urlpatterns = [
    path("", home.home, name="home"),
    path("login/", views.login, name="login"),
    path("logout/", views.logout, name="logout"),
    path("register/", views.register, name="register"),
    path("cases/", views.case_list, name="cases"),
    path("cases/export/", views.case_list_export, name="cases_export"),
    path("cases/filters/", views.saved_filter_create, name="saved_filter_create"),
    path("cases/filters/<int:pk>/delete/", views.saved_filter_remove, name="saved_filter_delete"),
    path("cases/<str:number>/", views.case_detail, name="case"),
    path("cases/<str:number>/parties/", views.case_parties, name="case_parties"),
    path("cases/<str:number>/receipt/", views.case_receipt, name="case_receipt"),
    path("cases/<str:number>/attachments/", views.case_attachments_add, name="case_attachments_add"),
    path("cases/<str:number>/attachments/<int:attachment_id>/", views.case_attachment, name="case_attachment"),
    path("cases/<str:number>/act/<str:action>/", views.case_act, name="case_act"),
    path("reception/", views.reception_list, name="reception"),
    path("reception/<int:pk>/", views.reception_day, name="reception_day"),
]
