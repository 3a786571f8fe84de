"""factory_boy factories for targeted fixtures: published records unless told otherwise."""

from __future__ import annotations

import datetime

import factory
from django.utils import timezone

from events.models import Event, EventOrganiser
from partnerships.base import Status
from partnerships.models import Participation, Partner, PartnerName, Partnership, Person
from reports.models import LanguageVersion, Publication, PublicationOrganisation, PublicationRelation


class PublishedFactory(factory.django.DjangoModelFactory):
    status = Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)

    class Meta:
        abstract = True

    class Params:
        draft = factory.Trait(status=Status.DRAFT, published_at=None)


class PartnerFactory(PublishedFactory):
    name = factory.Sequence(lambda n: f"Partner organisation {n}")
    slug = factory.Sequence(lambda n: f"partner-{n}")

    class Meta:
        model = Partner


class PartnerNameFactory(factory.django.DjangoModelFactory):
    partner = factory.SubFactory(PartnerFactory)
    name = factory.Sequence(lambda n: f"Other name {n}")

    class Meta:
        model = PartnerName


class PersonFactory(PublishedFactory):
    name = factory.Sequence(lambda n: f"Person {n}")
    slug = factory.Sequence(lambda n: f"person-{n}")

    class Meta:
        model = Person


class PartnershipFactory(PublishedFactory):
    title = factory.Sequence(lambda n: f"Partnership number {n}")
    slug = factory.Sequence(lambda n: f"partnership-{n}")

    class Meta:
        model = Partnership


class ParticipationFactory(factory.django.DjangoModelFactory):
    partnership = factory.SubFactory(PartnershipFactory)
    partner = factory.SubFactory(PartnerFactory)

    class Meta:
        model = Participation


class EventFactory(PublishedFactory):
    title = factory.Sequence(lambda n: f"Event number {n}")
    slug = factory.Sequence(lambda n: f"event-{n}")
    event_type = Event.Type.MEETING
    timezone = "UTC"
    start = factory.LazyFunction(lambda: datetime.datetime(2030, 1, 10, 9, 0, tzinfo=datetime.UTC))
    end = factory.LazyAttribute(lambda event: event.start + datetime.timedelta(hours=2))

    class Meta:
        model = Event


class EventOrganiserFactory(factory.django.DjangoModelFactory):
    event = factory.SubFactory(EventFactory)
    partner = factory.SubFactory(PartnerFactory)

    class Meta:
        model = EventOrganiser


class PublicationFactory(PublishedFactory):
    title = factory.Sequence(lambda n: f"Publication number {n}")
    slug = factory.Sequence(lambda n: f"publication-{n}")
    publication_type = Publication.Type.REPORT
    publication_date = datetime.date(2020, 5, 1)

    class Meta:
        model = Publication


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
