from django.urls import path

from . import views

app_name = "community_board"
urlpatterns = [
    path("", views.board, name="board"),
    path("export/", views.board_export, name="export"),
    path("cases/", views.board_cases, name="cases"),
]
