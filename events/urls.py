from django.urls import path

from registry.feeds import feed_urls

from . import views
from .feeds import EventFeed

app_name = "events"

urlpatterns = [
    path("", views.EventListView.as_view(), name="event-list"),
    path("past/", views.PastEventListView.as_view(), name="event-past"),
    path("calendar/", views.EventCalendarView.as_view(), name="event-calendar"),
    path("calendar/<int:year>/<int:month>/", views.EventCalendarView.as_view(), name="event-calendar-month"),
    *feed_urls(EventFeed, "", "event"),
    path("<slug:slug>.ics", views.event_ics, name="event-ics"),
    path("<slug:slug>/", views.EventDetailView.as_view(), name="event-detail"),
]
