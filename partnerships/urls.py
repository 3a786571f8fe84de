from django.urls import path

from . import views
from .feeds import PartnershipAtomFeed, PartnershipFeed

app_name = "partnerships"

urlpatterns = [
    path("partnerships/", views.PartnershipListView.as_view(), name="partnership-list"),
    path("partnerships/feed/", PartnershipAtomFeed(), name="partnership-feed"),
    path("partnerships/feed/rss/", PartnershipFeed(), name="partnership-feed-rss"),
    path("partnerships/<slug:slug>/", views.PartnershipDetailView.as_view(), name="partnership-detail"),
    path("partners/", views.PartnerListView.as_view(), name="partner-list"),
    path("partners/<slug:slug>/", views.PartnerDetailView.as_view(), name="partner-detail"),
]
