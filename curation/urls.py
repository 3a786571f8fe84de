from django.urls import path

from . import views

app_name = "curation"

urlpatterns = [
    path("", views.propose_index, name="propose"),
    path("partnership/", views.ProposePartnershipView.as_view(), name="propose-partnership"),
    path("event/", views.ProposeEventView.as_view(), name="propose-event"),
    path("thanks/", views.propose_thanks, name="propose-thanks"),
]
