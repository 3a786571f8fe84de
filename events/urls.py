from django.urls import path

from . import views
from .feeds import EventAtomFeed, EventFeed

app_name = "events"

urlpatterns = [
    path("", views.EventListView.as_view(), name="event-list"),
    path("past/", views.PastEventListView.as_view(), name="event-past"),
    path("calendar/", views.EventCalendarView.as_view(), name="event-calendar"),
    path("calendar/<int:year>/<int:month>/", views.EventCalendarView.as_view(), name="event-calendar-month"),
    path("feed/", EventAtomFeed(), name="event-feed"),
    path("feed/rss/", EventFeed(), name="event-feed-rss"),
    path("<slug:slug>.ics", views.event_ics, name="event-ics"),
    path("<slug:slug>/", views.EventDetailView.as_view(), name="event-detail"),
]
