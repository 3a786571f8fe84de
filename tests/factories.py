"""factory_boy factories for the registry's records. Records are published unless told otherwise."""

from __future__ import annotations

import datetime
from typing import Any

import factory
from django.utils import timezone

from events.models import Event, EventOrganiser
from partnerships.models import Participation, Partner, PartnerName, Partnership, Person
from registry.workflow import Status
from reports.models import LanguageVersion, Publication, PublicationOrganisation, PublicationRelation


class PublishableFactory(factory.django.DjangoModelFactory):
    status = Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)

    class Meta:
        abstract = True

    class Params:
        draft = factory.Trait(status=Status.DRAFT, published_at=None)


class PartnerFactory(PublishableFactory):
    name = factory.Sequence(lambda n: f"Partner organisation {n}")
    organisation_type_id = "40"
    country_id = "RW"

    class Meta:
        model = Partner


class PersonFactory(PublishableFactory):
    name = factory.Sequence(lambda n: f"Person {n}")

    class Meta:
        model = Person


class PartnershipFactory(PublishableFactory):
    title = factory.Sequence(lambda n: f"Partnership {n}")
    start_date = datetime.date(2020, 1, 1)

    class Meta:
        model = Partnership


class EventFactory(PublishableFactory):
    title = factory.Sequence(lambda n: f"Event {n}")
    event_type = Event.Type.MEETING
    timezone = "Africa/Kigali"
    start = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=30))
    end = factory.LazyAttribute(lambda o: o.start + datetime.timedelta(hours=4))

    class Meta:
        model = Event


class PublicationFactory(PublishableFactory):
    title = factory.Sequence(lambda n: f"Publication {n}")
    publication_type = Publication.Type.REPORT
    publication_date = datetime.date(2021, 5, 1)

    class Meta:
        model = Publication


# Link rows, for targeted API, search and facet fixtures.


class PartnerNameFactory(factory.django.DjangoModelFactory):
    partner = factory.SubFactory(PartnerFactory)
    name = factory.Sequence(lambda n: f"Other name {n}")

    class Meta:
        model = PartnerName


class ParticipationFactory(factory.django.DjangoModelFactory):
    partnership = factory.SubFactory(PartnershipFactory)
    partner = factory.SubFactory(PartnerFactory)

    class Meta:
        model = Participation


class EventOrganiserFactory(factory.django.DjangoModelFactory):
    event = factory.SubFactory(EventFactory)
    partner = factory.SubFactory(PartnerFactory)

    class Meta:
        model = EventOrganiser


class LanguageVersionFactory(factory.django.DjangoModelFactory):
    publication = factory.SubFactory(PublicationFactory)
    language_id = "en"
    title = factory.LazyAttribute(lambda version: version.publication.title)

    class Meta:
        model = LanguageVersion


class PublicationOrganisationFactory(factory.django.DjangoModelFactory):
    publication = factory.SubFactory(PublicationFactory)
    partner = factory.SubFactory(PartnerFactory)
    role = PublicationOrganisation.Role.PUBLISHER

    class Meta:
        model = PublicationOrganisation


class PublicationRelationFactory(factory.django.DjangoModelFactory):
    source = factory.SubFactory(PublicationFactory)
    target = factory.SubFactory(PublicationFactory)
    relation_type = PublicationRelation.Type.REFERENCES

    class Meta:
        model = PublicationRelation


# Forms as a browser posts them.
def event_admin_form(**overrides: Any) -> dict[str, Any]:
    """The admin's "Add event" form as a browser posts it, with no inline rows."""
    data = {
        "title": "Meeting",
        "event_type": "meeting",
        "timezone": "UTC",
        "start_0": "2030-09-12",
        "start_1": "09:00:00",
        "end_0": "2030-09-12",
        "end_1": "13:00:00",
        "date_precision": "day",
        "attendance_mode": "in_person",
        "event_status": "scheduled",
    }
    for prefix in (
        "organiser_roles",
        "participants",
        "registration_links",
        "Publication_related_events",
        "registry-sourcelink-content_type-object_id",
    ):
        data |= {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return data | overrides
