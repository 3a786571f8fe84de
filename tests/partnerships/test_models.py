import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from partnerships.models import Partner, Partnership
from registry.workflow import DatePrecision, Status, format_partial_date
from tests.factories import PartnerFactory, PartnershipFactory
from vocabularies.models import Country, Region, SDGTarget, SustainableDevelopmentGoal

pytestmark = pytest.mark.django_db


def test_partnership_end_before_start_is_refused_by_form_validation_with_a_clear_message():
    partnership = Partnership(
        title="Backwards", start_date=datetime.date(2020, 5, 1), end_date=datetime.date(2019, 1, 1)
    )
    with pytest.raises(ValidationError) as error:
        partnership.full_clean()
    assert "The end date cannot be before the start date." in error.value.message_dict["end_date"]


def test_partnership_end_before_start_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        PartnershipFactory(start_date=datetime.date(2020, 5, 1), end_date=datetime.date(2019, 1, 1))


def test_partial_dates_are_normalised_to_their_precision():
    partnership = Partnership(
        title="Since 2007",
        start_date=datetime.date(2007, 4, 25),
        start_date_precision=DatePrecision.YEAR,
    )
    partnership.full_clean()
    assert partnership.start_date == datetime.date(2007, 1, 1)
    assert format_partial_date(partnership.start_date, DatePrecision.YEAR) == "2007"
    assert format_partial_date(datetime.date(2007, 4, 1), DatePrecision.MONTH) == "April 2007"
    assert format_partial_date(datetime.date(2019, 3, 19), DatePrecision.DAY) == "19 March 2019"


@pytest.mark.parametrize("identifier", ["XM-DAC-41301", "GB-COH-01234567", "XI-IATI-EC_INTPA"])
def test_organisation_identifier_in_org_id_form_is_accepted(identifier):
    PartnerFactory.build(identifier=identifier, slug="x").full_clean()


@pytest.mark.parametrize(
    ("identifier", "message"),
    [
        ("41301", "PREFIX-ID"),
        ("XM-DAC-", "PREFIX-ID"),
        ("XM-DAC 41301", "PREFIX-ID"),
        ("ZZ-NOPE-123", "not a registration agency prefix"),
    ],
)
def test_bad_organisation_identifier_is_refused_with_a_clear_message(identifier, message):
    partner = PartnerFactory.build(identifier=identifier, slug="x")
    with pytest.raises(ValidationError) as error:
        partner.full_clean()
    assert message in " ".join(error.value.message_dict["identifier"])


def test_organisation_identifier_is_unique_when_present_ignoring_case():
    PartnerFactory(identifier="XM-DAC-41301")
    PartnerFactory(identifier="")
    PartnerFactory(identifier="")  # many partners may have no identifier
    with pytest.raises(ValidationError) as error:
        PartnerFactory.build(identifier="xm-dac-41301", slug="other").full_clean()
    assert "already has this organisation identifier" in str(error.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        PartnerFactory(identifier="xm-dac-41301")


def test_a_published_record_must_say_when_it_was_published():
    with pytest.raises(IntegrityError), transaction.atomic():
        PartnerFactory(status=Status.PUBLISHED, published_at=None)


def test_slugs_are_generated_and_kept_unique():
    first = PartnerFactory(name="Rwanda Cooperation")
    second = PartnerFactory(name="Rwanda Cooperation")
    assert first.slug == "rwanda-cooperation"
    assert second.slug == "rwanda-cooperation-2"
    with pytest.raises(IntegrityError), transaction.atomic():
        Partner.objects.create(name="Third", slug="rwanda-cooperation")


def test_a_partner_cannot_be_its_own_parent():
    partner = PartnerFactory()
    partner.parent = partner
    with pytest.raises(ValidationError):
        partner.full_clean()


def test_published_queryset_returns_only_published_records():
    published = PartnershipFactory()
    PartnershipFactory(draft=True)
    PartnershipFactory(status=Status.IN_REVIEW, published_at=None)
    PartnershipFactory(status=Status.ARCHIVED)
    assert list(Partnership.objects.published()) == [published]


def test_active_on_covers_open_ended_partnerships():
    ongoing = PartnershipFactory(start_date=datetime.date(2018, 2, 19), end_date=None)
    ended = PartnershipFactory(start_date=datetime.date(2010, 1, 1), end_date=datetime.date(2012, 1, 1))
    future = PartnershipFactory(start_date=datetime.date(2030, 1, 1))
    active = set(Partnership.objects.active_on(datetime.date(2020, 1, 1)))
    assert ongoing in active
    assert ended not in active
    assert future not in active


def test_reference_vocabularies_are_loaded_by_migrations():
    assert SustainableDevelopmentGoal.objects.count() == 17
    assert SDGTarget.objects.count() == 169
    assert SustainableDevelopmentGoal.objects.get(code=17).title.startswith(
        "Strengthen the means of implementation"
    )
    assert SDGTarget.objects.filter(code="1.a", goal=1).exists()
    codes = list(SDGTarget.objects.filter(goal=1).values_list("code", flat=True))
    assert codes == ["1.1", "1.2", "1.3", "1.4", "1.5", "1.a", "1.b"]


def test_countries_carry_m49_groupings_and_a_sourced_global_south_flag():
    rwanda = Country.objects.get(code="RW")
    assert (rwanda.alpha3, rwanda.numeric) == ("RWA", "646")
    assert rwanda.region_id == "002" and rwanda.subregion_id == "202"
    assert rwanda.intermediate_region_id == "014"
    assert rwanda.is_ldc and rwanda.is_lldc and not rwanda.is_sids
    assert rwanda.global_south and "Group of 77" in rwanda.global_south_source
    assert rwanda.global_south_as_of is not None
    assert Country.objects.get(code="FJ").is_sids
    assert not Country.objects.get(code="NO").global_south
    assert Country.objects.filter(global_south=True).count() == 134


def test_regions_form_a_tree_from_the_world_down():
    latin_america = Region.objects.get(code="419")
    assert latin_america.parent_id == "019"
    assert {"419", "005", "013", "029"} <= set(latin_america.descendant_codes())
    assert Region.objects.get(code="002").parent_id == "001"
