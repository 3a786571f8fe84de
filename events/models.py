"""Events: conferences, side events, observances, launches, webinars and meetings."""

from __future__ import annotations

import datetime
import re
import zoneinfo

from django.contrib.contenttypes.fields import GenericRelation
from django.contrib.postgres.expressions import ArraySubquery
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from partnerships.models import Partner, Partnership, Person
from registry.fields import (
    LineField,
    WebAddressField,
    WindowedDateField,
    WindowedDateTimeField,
    single_line_check,
    window_check,
)
from registry.models import FacetTokenCount, FacetTokens, SourceLink
from registry.workflow import (
    HISTORY_QUIET_FIELDS,
    DatePrecision,
    PublishableModel,
    PublishableQuerySet,
    SearchableModel,
    SluggedModel,
    record_meta,
    track_history,
)
from vocabularies.models import Country, Theme


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            "%(value)s is not an IANA time zone name (such as Africa/Kigali).",
            code="invalid_timezone",
            params={"value": value},
        )


# UN document symbols: slash-separated parts of letters, digits and dots, e.g. A/C.2/66/L.48.
DOCUMENT_SYMBOL_RE = re.compile(r"^[A-Z]+(/[A-Za-z0-9.()\-]+)+$")


def validate_document_symbol(value: str) -> None:
    if not DOCUMENT_SYMBOL_RE.fullmatch(value):  # not match(): $ would let a final newline through
        raise ValidationError(
            "%(value)s is not a UN document symbol such as A/C.2/66/L.48.",
            code="invalid_symbol",
            params={"value": value},
        )


class EventQuerySet(PublishableQuerySet):
    def upcoming(self, now: datetime.datetime | None = None) -> EventQuerySet:
        """Events that have not ended yet.

        Their ids come first, from the index on `end`, as an array the planner cannot fold into the
        list's own scan: with `end >= now` as a plain filter, PostgreSQL walked the start order
        looking for the few upcoming events among twenty years of them and read every event (35 ms
        for five events on the home page at scale 1; 1 ms this way).
        """
        from registry.shapes import AnyOf  # noqa: PLC0415 (registry.shapes imports DRF and the URLs)

        ending = Event._base_manager.filter(end__gte=now or timezone.now()).values("pk")
        return self.filter(AnyOf("pk", ArraySubquery(ending)))

    def past(self, now: datetime.datetime | None = None) -> EventQuerySet:
        return self.filter(end__lt=now or timezone.now())

    def with_day_precision(self) -> EventQuerySet:
        """Events whose days are known: those known only by month or year cannot go in a calendar."""
        return self.filter(date_precision=DatePrecision.DAY)

    def by_partner(self, partner: Partner) -> EventQuerySet:
        """Events the partner organises, co-organises, hosts or supports."""
        return self.filter(organisers=partner).distinct()


@track_history(quiet=HISTORY_QUIET_FIELDS)
class Event(SluggedModel, SearchableModel, PublishableModel):
    """A dated gathering: a conference, a side event within it, an observance, a launch."""

    class Type(models.TextChoices):
        CONFERENCE = "conference", "Conference"
        SIDE_EVENT = "side_event", "Side event"
        OBSERVANCE = "observance", "Observance"
        LAUNCH = "launch", "Launch"
        WEBINAR = "webinar", "Webinar"
        MEETING = "meeting", "Meeting"
        SESSION = "session", "Intergovernmental session"

    class AttendanceMode(models.TextChoices):
        IN_PERSON = "in_person", "In person"
        ONLINE = "online", "Online"
        HYBRID = "hybrid", "Hybrid"

    class EventStatus(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        CANCELLED = "cancelled", "Cancelled"
        POSTPONED = "postponed", "Postponed"
        RESCHEDULED = "rescheduled", "Rescheduled"
        MOVED_ONLINE = "moved_online", "Moved online"

    title = LineField(max_length=300)
    slug = models.SlugField(max_length=120, unique=True, blank=True)
    short_title = LineField(
        max_length=80, blank=True, help_text="The name the event is known by, e.g. BAPA+40."
    )
    description = models.TextField(blank=True)
    theme = LineField(max_length=300, blank=True, help_text="The event's announced theme.")
    event_type = models.CharField("type", max_length=16, choices=Type.choices)
    start = WindowedDateTimeField(help_text="Local time at the event, in the time zone below.")
    end = WindowedDateTimeField(help_text="Local time at the event, in the time zone below.")
    timezone = models.CharField(
        max_length=64,
        default="UTC",
        validators=[validate_timezone],
        help_text="The IANA time zone the event was announced in, e.g. Africa/Kigali.",
    )
    all_day = models.BooleanField(default=False, help_text="The source gives dates without times.")
    date_precision = models.CharField(
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text="For events known only by month or year, e.g. 'April 2007'.",
    )
    schedule_note = LineField(
        max_length=200,
        blank=True,
        help_text="Timing the source gives in words, e.g. 'afternoon', when exact times are unknown.",
    )
    announced_on = WindowedDateField(
        null=True, blank=True, help_text="The date of the announcement the record is based on."
    )
    venue = LineField(max_length=200, blank=True)
    city = LineField(max_length=100, blank=True)
    country = models.ForeignKey(
        Country, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    attendance_mode = models.CharField(
        max_length=12, choices=AttendanceMode.choices, default=AttendanceMode.IN_PERSON
    )
    event_status = models.CharField(
        "event status",
        max_length=12,
        choices=EventStatus.choices,
        default=EventStatus.SCHEDULED,
        help_text="Whether the event goes ahead as announced (not the record's workflow status).",
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="side_events",
        verbose_name="part of",
        help_text="The event this one takes place within, e.g. a side event of BAPA+40.",
    )
    organisers = models.ManyToManyField(Partner, through="EventOrganiser", related_name="events")
    partnerships = models.ManyToManyField(Partnership, blank=True, related_name="events")
    themes = models.ManyToManyField(Theme, blank=True, related_name="events")
    document_symbols = ArrayField(
        models.CharField(max_length=60, validators=[validate_document_symbol]),
        default=list,
        blank=True,
        help_text="UN document symbols the event refers to, separated by commas, e.g. A/C.2/66/L.48.",
    )
    sources = GenericRelation(SourceLink)

    objects = EventQuerySet.as_manager()
    slug_source = ("short_title", "title")

    Meta = record_meta(
        "event",
        ordering=["-start", "id"],
        indexes=[
            # Upcoming events (not ended yet) are few among twenty years of them: found by their end
            # (EventQuerySet.upcoming).
            models.Index(fields=["end"], name="event_end"),
        ],
        constraints=[
            single_line_check("event", "title", "short_title", "theme", "venue", "city"),
            window_check("event", "start", "end", times=True),
            window_check("event_announced", "announced_on"),
            models.CheckConstraint(
                condition=models.Q(end__gte=models.F("start")),
                name="event_end_after_start",
                violation_error_message="The end cannot be before the start.",
            ),
        ],
    )

    def __str__(self) -> str:
        return self.title

    def summary_text(self) -> str:
        """When and where, then the theme or description, for link previews."""
        from registry.templatetags.registry import event_when

        from .ical import event_location

        text = " · ".join(part for part in (event_when(self), event_location(self)) if part)
        return f"{text}. {self.theme or self.description}" if text else self.description

    def get_absolute_url(self) -> str:
        return reverse("events:event-detail", kwargs={"slug": self.slug})

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    @property
    def local_start(self) -> datetime.datetime:
        return self.start.astimezone(self.zone)

    @property
    def local_end(self) -> datetime.datetime:
        return self.end.astimezone(self.zone)

    def clean(self) -> None:
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": "The end cannot be before the start."})
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": "An event cannot be part of itself."})


for _field, _name in [
    ("partnerships", "EventPartnershipHistory"),
    ("themes", "EventThemeHistory"),
]:
    track_history(name=_name)(Event._meta.get_field(_field).remote_field.through)


@track_history()
class EventOrganiser(models.Model):
    """A partner's part in organising an event."""

    registry_role = "part"

    class Role(models.TextChoices):
        ORGANISER = "organiser", "Organiser"
        CO_ORGANISER = "co_organiser", "Co-organiser"
        HOST = "host", "Host"
        PARTNER = "partner", "Partner"
        SPONSOR = "sponsor", "Sponsor"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="organiser_roles")
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="event_roles")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.ORGANISER)
    note = LineField(max_length=300, blank=True)

    class Meta:
        ordering = ["event", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "partner", "role"], name="eventorganiser_unique_role")
        ]

    def __str__(self) -> str:
        return f"{self.partner} ({self.get_role_display()})"


@track_history()
class EventParticipant(models.Model):
    """A person at an event: a speaker, a presenter, a delegation member, a guest.

    When the source names a role but not the person ("the Director of UNOSSC"), leave the person
    empty and describe them.
    """

    registry_role = "part"

    class Role(models.TextChoices):
        SPEAKER = "speaker", "Speaker"
        PRESENTER = "presenter", "Presenter"
        MODERATOR = "moderator", "Moderator"
        DELEGATE = "delegate", "Delegation member"
        GUEST = "guest", "High-level guest"
        ATTENDEE = "attendee", "Participant"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="participants")
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="event_roles"
    )
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.SPEAKER)
    representing = models.ForeignKey(
        Partner,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="event_representatives",
        help_text="The organisation or delegation the person is there for.",
    )
    description = LineField(
        max_length=300, blank=True, help_text="Who they are, when the source does not name them."
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["event", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person__isnull=False) | ~models.Q(description=""),
                name="eventparticipant_person_or_description",
                violation_error_message="Choose a person or describe the participant.",
            )
        ]

    def __str__(self) -> str:
        who = self.person.name if self.person_id else self.description
        return f"{who} ({self.get_role_display()})"


@track_history()
class RegistrationLink(models.Model):
    """Where to register for an event; in-person and online registration may differ."""

    registry_role = "part"

    class Kind(models.TextChoices):
        IN_PERSON = "in_person", "In-person participation"
        ONLINE = "online", "Online participation"
        GENERAL = "general", "Registration"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registration_links")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.GENERAL)
    url = WebAddressField(
        max_length=500, blank=True, help_text="Leave empty if the source mentions a link without its address."
    )
    note = LineField(max_length=300, blank=True)

    class Meta:
        ordering = ["event", "kind", "id"]
        constraints = [models.UniqueConstraint(fields=["event", "kind"], name="registrationlink_unique_kind")]

    def __str__(self) -> str:
        return self.get_kind_display()


class EventFacets(FacetTokens):
    """An event's facet tokens (`type:conference`, `country:RW`, `organiser:12`: published
    organisers only), written by the triggers in `events/migrations/0001_initial.py`."""

    event = models.OneToOneField(Event, primary_key=True, on_delete=models.CASCADE, related_name="+")

    def __str__(self) -> str:
        return f"facets of event {self.event_id}"


class EventFacetCount(FacetTokenCount):
    """Changes to how many published events have each facet token, summed per token (as
    `PartnershipFacetCount`): rows only inserted by the triggers, folded once they are many."""
