from django.urls import path

from . import views

app_name = "imports"
urlpatterns = [
    path("", views.import_home, name="home"),
    path("modele.csv", views.template_csv_download, name="template_csv"),
    path("modele.xlsx", views.template_xlsx_download, name="template_xlsx"),
    path("<int:job_id>/colonnes/", views.import_mapping, name="mapping"),
    path("<int:job_id>/apercu/", views.import_preview_page, name="preview"),
    path("<int:job_id>/", views.import_progress, name="progress"),
    path("<int:job_id>/reprendre/", views.import_resume, name="resume"),
    path("<int:job_id>/erreurs.csv", views.import_errors_download, name="errors"),
]
