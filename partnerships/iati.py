"""Partnerships and partners as IATI 2.03 XML (activity and organisation files).

The registry reports as a *secondary reporter*: it publishes what it knows about other
organisations' partnerships, under the reporting organisation named in the settings. What the
registry does not record but IATI requires is completed with the defaults below, or the record is
left out (and counted); an output that fails the IATI schema is never produced.

Defaults (documented in docs/open-data.md):
- participating-org role: a participation without an IATI role is reported as 4 (Implementing);
- activity-status: when not recorded, 1 (Pipeline) before the start date, 3 (Finalisation) after
  the end date, 2 (Implementation) in between;
- activity-date: start and end are "actual" once the day has come, "planned" before; dates known
  to the month or year are given as their first day, with a narrative saying so;
- recipient-country / recipient-region: the registry records no shares, so when there are several
  they split 100% equally (regions use vocabulary 2, UN M49).

Left out: partnerships without a start date, without any description text, or without a published
partner (IATI requires an activity date, a description and a participating organisation); partners
without an organisation identifier.
"""

from __future__ import annotations

import datetime

# Only builds and serialises XML; this module never parses any, so XML attacks do not apply.
import xml.etree.ElementTree as ET  # nosec B405
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from registry.workflow import DatePrecision, Status

from .models import Participation, Partner, PartnerName, Partnership

IATI_VERSION = "2.03"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
LANGUAGE = "en"  # the registry's records are written in English

DEFAULT_ROLE = "4"  # Implementing
TRIANGULAR_COLLABORATION = "8"  # Bilateral, triangular co-operation
REGION_VOCABULARY_UN_M49 = "2"
TAG_VOCABULARY_SDG_GOAL = "2"
TAG_VOCABULARY_SDG_TARGET = "3"
CHUNK_SIZE = 200


@dataclass(frozen=True)
class ReportingOrg:
    ref: str
    name: str
    type: str

    @classmethod
    def from_settings(cls) -> ReportingOrg:
        return cls(
            ref=settings.IATI_REPORTING_ORG_REF,
            name=settings.IATI_REPORTING_ORG_NAME,
            type=settings.IATI_REPORTING_ORG_TYPE,
        )

    def element(self) -> ET.Element:
        # secondary-reporter: the registry reports on activities it does not itself carry out.
        element = ET.Element("reporting-org", {"ref": self.ref, "type": self.type, "secondary-reporter": "1"})
        _narrative(element, self.name)
        return element


def _narrative(parent: ET.Element, text: str, lang: str = LANGUAGE) -> ET.Element:
    element = ET.SubElement(parent, "narrative", {XML_LANG: lang})
    element.text = text
    return element


def _timestamp(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).replace(microsecond=0).isoformat()


def iati_identifier(partnership: Partnership, reporting: ReportingOrg) -> str:
    """The reporting organisation's identifier, then the record's id, which never changes."""
    return f"{reporting.ref}-partnership-{partnership.pk}"


def equal_percentages(count: int) -> list[Decimal]:
    """`count` shares of 100 with two decimals that add up to exactly 100."""
    if count == 0:
        return []
    share = (Decimal(100) / count).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    shares = [share] * count
    shares[0] += Decimal(100) - share * count
    return shares


def activity_status(partnership: Partnership, today: datetime.date) -> str:
    if partnership.activity_status_id:
        return partnership.activity_status_id
    if partnership.start_date and partnership.start_date > today:
        return "1"
    if partnership.end_date and partnership.end_date < today:
        return "3"
    return "2"


# Published partnerships that have what IATI requires (see the module docstring).
_HAS_PUBLISHED_PARTNER = Exists(
    Participation.objects.filter(partnership=OuterRef("pk"), partner__status=Status.PUBLISHED)
)
_HAS_TEXT = ~Q(summary="") | ~Q(objective="") | ~Q(description="")


def reportable_partnerships(queryset: QuerySet[Partnership]) -> tuple[QuerySet[Partnership], int]:
    """Split `queryset` into what can be reported, with prefetches, and how many rows cannot."""
    reportable = queryset.filter(_HAS_PUBLISHED_PARTNER, _HAS_TEXT, start_date__isnull=False)
    excluded = queryset.count() - reportable.count()
    reportable = reportable.select_related("activity_status").prefetch_related(
        Prefetch(
            "participations",
            queryset=Participation.objects.filter(partner__status=Status.PUBLISHED).select_related("partner"),
        ),
        "modalities",
        "countries",
        "regions",
        "sdgs",
        "sdg_targets",
    )
    return reportable, excluded


def _activity_date(parent: ET.Element, day: datetime.date, precision: str, kind: str, today: datetime.date):
    # Activity date types: 1 planned start, 2 actual start, 3 planned end, 4 actual end.
    planned, actual = ("1", "2") if kind == "start" else ("3", "4")
    element = ET.SubElement(
        parent, "activity-date", {"iso-date": day.isoformat(), "type": actual if day <= today else planned}
    )
    if precision != DatePrecision.DAY:
        _narrative(element, f"The source gives the {kind} date to the {precision} only.")


def activity_element(
    partnership: Partnership,
    *,
    reporting: ReportingOrg,
    today: datetime.date,
    absolute_url: Callable[[str], str],
) -> ET.Element:
    """One <iati-activity>, its children in the order the 2.03 schema requires."""
    activity = ET.Element(
        "iati-activity",
        {
            "last-updated-datetime": _timestamp(partnership.updated_at),
            XML_LANG: LANGUAGE,
            "hierarchy": "1",
            "linked-data-uri": absolute_url(partnership.get_absolute_url()),
        },
    )
    ET.SubElement(activity, "iati-identifier").text = iati_identifier(partnership, reporting)
    activity.append(reporting.element())
    _narrative(ET.SubElement(activity, "title"), partnership.title)
    # Description type 1: general; type 2: objectives.
    general = "\n\n".join(text for text in (partnership.summary, partnership.description) if text)
    if general:
        _narrative(ET.SubElement(activity, "description", {"type": "1"}), general)
    if partnership.objective:
        _narrative(ET.SubElement(activity, "description", {"type": "2"}), partnership.objective)
    for participation in partnership.participations.all():
        partner = participation.partner
        attributes = {"role": participation.role_id or DEFAULT_ROLE}
        if partner.identifier:
            attributes["ref"] = partner.identifier
        if partner.organisation_type_id:
            attributes["type"] = partner.organisation_type_id
        _narrative(ET.SubElement(activity, "participating-org", attributes), partner.name)
    ET.SubElement(activity, "activity-status", {"code": activity_status(partnership, today)})
    _activity_date(activity, partnership.start_date, partnership.start_date_precision, "start", today)
    if partnership.end_date:
        _activity_date(activity, partnership.end_date, partnership.end_date_precision, "end", today)
    countries = list(partnership.countries.all())
    regions = list(partnership.regions.all())
    shares = iter(equal_percentages(len(countries) + len(regions)))
    for country in countries:
        ET.SubElement(activity, "recipient-country", {"code": country.code, "percentage": str(next(shares))})
    for region in regions:
        ET.SubElement(
            activity,
            "recipient-region",
            {"code": region.code, "vocabulary": REGION_VOCABULARY_UN_M49, "percentage": str(next(shares))},
        )
    for goal in partnership.sdgs.all():
        ET.SubElement(activity, "tag", {"vocabulary": TAG_VOCABULARY_SDG_GOAL, "code": str(goal.code)})
    for target in partnership.sdg_targets.all():
        ET.SubElement(activity, "tag", {"vocabulary": TAG_VOCABULARY_SDG_TARGET, "code": target.code})
    if any(modality.code == "triangular" for modality in partnership.modalities.all()):
        ET.SubElement(activity, "collaboration-type", {"code": TRIANGULAR_COLLABORATION})
    return activity


def activities_xml(
    partnerships: Iterable[Partnership],
    *,
    absolute_url: Callable[[str], str],
    reporting: ReportingOrg | None = None,
    now: datetime.datetime | None = None,
) -> Iterator[str]:
    """An <iati-activities> document, one activity at a time, for a streaming response."""
    reporting = reporting or ReportingOrg.from_settings()
    now = now or timezone.now()
    today = timezone.localdate(now)
    yield '<?xml version="1.0" encoding="UTF-8"?>\n'
    yield f'<iati-activities version="{IATI_VERSION}" generated-datetime="{_timestamp(now)}">\n'
    if isinstance(partnerships, QuerySet):
        partnerships = partnerships.iterator(chunk_size=CHUNK_SIZE)
    for partnership in partnerships:
        element = activity_element(partnership, reporting=reporting, today=today, absolute_url=absolute_url)
        yield ET.tostring(element, encoding="unicode") + "\n"
    yield "</iati-activities>\n"


def reportable_partners(queryset: QuerySet[Partner]) -> tuple[QuerySet[Partner], int]:
    """Partners with an organisation identifier (IATI requires one), and how many have none."""
    reportable = queryset.exclude(identifier="")
    excluded = queryset.count() - reportable.count()
    translations = PartnerName.objects.filter(kind=PartnerName.Kind.TRANSLATION, language__isnull=False)
    return reportable.prefetch_related(Prefetch("alternative_names", queryset=translations)), excluded


def organisation_element(partner: Partner, *, reporting: ReportingOrg) -> ET.Element:
    organisation = ET.Element(
        "iati-organisation", {"last-updated-datetime": _timestamp(partner.updated_at), XML_LANG: LANGUAGE}
    )
    ET.SubElement(organisation, "organisation-identifier").text = partner.identifier
    name = ET.SubElement(organisation, "name")
    _narrative(name, partner.name)
    seen = {LANGUAGE}
    for other in partner.alternative_names.all():
        # One narrative per language: IATI reads them as translations of the same name.
        if other.language_id not in seen:
            seen.add(other.language_id)
            _narrative(name, other.name, other.language_id)
    organisation.append(reporting.element())
    return organisation


def organisations_xml(
    partners: Iterable[Partner],
    *,
    reporting: ReportingOrg | None = None,
    now: datetime.datetime | None = None,
) -> Iterator[str]:
    """An <iati-organisations> document, one organisation at a time."""
    reporting = reporting or ReportingOrg.from_settings()
    now = now or timezone.now()
    yield '<?xml version="1.0" encoding="UTF-8"?>\n'
    yield f'<iati-organisations version="{IATI_VERSION}" generated-datetime="{_timestamp(now)}">\n'
    if isinstance(partners, QuerySet):
        partners = partners.iterator(chunk_size=CHUNK_SIZE)
    for partner in partners:
        yield ET.tostring(organisation_element(partner, reporting=reporting), encoding="unicode") + "\n"
    yield "</iati-organisations>\n"
