from django.urls import path

from . import views
from .feeds import PublicationAtomFeed, PublicationFeed

app_name = "reports"

urlpatterns = [
    path("", views.PublicationListView.as_view(), name="publication-list"),
    path("feed/", PublicationAtomFeed(), name="publication-feed"),
    path("feed/rss/", PublicationFeed(), name="publication-feed-rss"),
    path("<slug:slug>/", views.PublicationDetailView.as_view(), name="publication-detail"),
]
