from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("case/<str:number>/", views.case_documents, name="case"),
    path("<int:document_id>/<str:fmt>/", views.download, name="download"),
    path("public/<int:document_id>/<str:fmt>/", views.public_download, name="public_download"),
]
