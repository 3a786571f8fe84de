from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.PublicationListView.as_view(), name="publication-list"),
    path("<slug:slug>/", views.PublicationDetailView.as_view(), name="publication-detail"),
]
