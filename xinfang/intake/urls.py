from django.urls import path

from . import views

app_name = "intake"
urlpatterns = [
    # Fragments for the registration page and the case page (full pages without htmx).
    path("suggest/", views.suggest, name="suggest"),
    path("route/<str:number>/", views.route, name="route"),
]
