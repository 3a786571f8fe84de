from django.urls import path

from registry.feeds import feed_urls

from . import views
from .feeds import PublicationFeed

app_name = "reports"

urlpatterns = [
    path("", views.PublicationListView.as_view(), name="publication-list"),
    *feed_urls(PublicationFeed, "", "publication"),
    path("<slug:slug>/", views.PublicationDetailView.as_view(), name="publication-detail"),
]
