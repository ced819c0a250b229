from django.urls import path

from . import views

app_name = "meetings"
urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("new/", views.meeting_new, name="new"),
    path("followups/", views.followup_list, name="followups"),
    path("followups/<int:item_id>/done/", views.followup_done, name="followup_done"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/agenda/", views.agenda_add, name="agenda_add"),
    path("<int:pk>/agenda/<str:number>/remove/", views.agenda_remove, name="agenda_remove"),
    path("<int:pk>/agenda/<str:number>/decision/", views.agenda_decide, name="agenda_decide"),
    path("<int:pk>/minutes/", views.minutes_generate, name="minutes_generate"),
    path("<int:pk>/minutes.<str:fmt>", views.minutes_download, name="minutes"),
    path("case/<str:number>/", views.case_meetings, name="case"),
]
