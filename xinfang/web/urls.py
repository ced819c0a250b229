from django.urls import path

from . import home, views

app_name = "web"
urlpatterns = [
    path("", home.home, name="home"),
    path("login/", views.login, name="login"),
    path("logout/", views.logout, name="logout"),
    path("register/", views.register, name="register"),
    path("cases/", views.case_list, name="cases"),
    path("cases/<str:number>/", views.case_detail, name="case"),
    path("cases/<str:number>/parties/", views.case_parties, name="case_parties"),
    path("cases/<str:number>/receipt/", views.case_receipt, name="case_receipt"),
    path("cases/<str:number>/act/<str:action>/", views.case_act, name="case_act"),
    path("reception/", views.reception_list, name="reception"),
    path("reception/<int:pk>/", views.reception_day, name="reception_day"),
]
