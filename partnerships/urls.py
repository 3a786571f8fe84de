from django.urls import path

from registry.feeds import feed_urls

from . import views
from .feeds import PartnershipFeed

app_name = "partnerships"

urlpatterns = [
    path("partnerships/", views.PartnershipListView.as_view(), name="partnership-list"),
    *feed_urls(PartnershipFeed, "partnerships/", "partnership"),
    path("partnerships/<slug:slug>/", views.PartnershipDetailView.as_view(), name="partnership-detail"),
    path("partners/", views.PartnerListView.as_view(), name="partner-list"),
    path("partners/<slug:slug>/", views.PartnerDetailView.as_view(), name="partner-detail"),
]
