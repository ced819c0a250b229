from django.urls import path

from . import views

app_name = "search"
urlpatterns = [
    path("", views.results, name="results"),
    # Fragments (full pages without htmx): at registration, and on a case page.
    path("same-matter/", views.same_matter, name="same_matter"),
    path("same-matter/<str:number>/", views.same_matter_case, name="same_matter_case"),
    path("similar/<str:number>/", views.similar, name="similar"),
    path("hot-topics/", views.hot_topics, name="hot_topics"),
]
