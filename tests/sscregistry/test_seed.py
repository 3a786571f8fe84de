"""The seed command records what the five seed documents say, and a second run changes nothing."""

import datetime
import io
import zoneinfo

import pytest
from django.core.management import call_command

from events.models import Event
from partnerships.models import Partner, Partnership, Person
from registry.models import SourceLink
from registry.workflow import Status
from reports.models import Publication
from sscregistry.seed import load_seed_data

pytestmark = pytest.mark.django_db

UTC = datetime.UTC


@pytest.fixture
def seeded():
    return load_seed_data()


def test_norec_report_launch_at_bapa40(seeded):
    report = Publication.objects.get(title="South-South and Triangular Cooperation in Action: Norec")
    assert report.series.name == "South-South and Triangular Cooperation in Action"
    assert report.series.publisher.acronym == "UNOSSC"
    assert [a.person.name for a in report.authorships.all()] == ["Helge Espe", "Astrid Scnitzer-Skjønsberg"]
    roles = {(o.partner.acronym, o.role) for o in report.organisation_roles.all()}
    assert ("UNOSSC", "publisher") in roles and ("Norec", "subject") in roles
    assert list(report.sdgs.values_list("code", flat=True)) == [17]
    assert set(report.regions.values_list("name", flat=True)) == {
        "Latin America and the Caribbean",
        "Asia",
        "Africa",
    }

    launch = report.launched_at
    assert launch.title == "South-South Cooperation in the Digital Era"
    assert launch.parent.short_title == "BAPA+40"
    assert launch.local_start.date() == datetime.date(2019, 3, 19)
    assert launch.local_start.strftime("%A") == "Tuesday"
    assert "afternoon" in launch.schedule_note
    people = {p.person.name: p for p in launch.participants.all() if p.person}
    assert people["Jens Frølich Holte"].role == "presenter"
    assert people["Jens Frølich Holte"].person.position == "State Secretary"
    assert people["Amina Mohammed"].role == "guest"
    unnamed = {p.description for p in launch.participants.all() if not p.person}
    assert "The Director of UNOSSC" in unnamed
    assert "Uganda's UN ambassador and President of UNOSSC" in unnamed
    assert "Representatives from UNDP" in unnamed


def test_bapa40_opened_the_day_after_the_launch_in_buenos_aires(seeded):
    bapa = Event.objects.get(slug="bapa40")
    launch = Event.objects.get(slug="south-south-cooperation-in-the-digital-era")
    assert bapa.local_start.date() == datetime.date(2019, 3, 20)
    assert bapa.local_end.date() == datetime.date(2019, 3, 22)
    assert bapa.local_start.date() - launch.local_start.date() == datetime.timedelta(days=1)
    assert (bapa.city, bapa.country_id, bapa.timezone) == (
        "Buenos Aires",
        "AR",
        "America/Argentina/Buenos_Aires",
    )
    assert bapa.sources.filter(url__contains="A/RES/71/318").exists()
    delegation = {p.person.name: p for p in bapa.participants.all()}
    assert set(delegation) == {"Helge Espe", "Jan Olav Baarøy"}
    assert all(p.role == "delegate" for p in delegation.values())
    assert delegation["Jan Olav Baarøy"].representing.name == "Norwegian Ministry of Foreign Affairs"
    assert Person.objects.get(name="Jan Olav Baarøy").position == "Director General"
    assert Person.objects.get(name="Helge Espe").affiliation.acronym == "Norec"
    # It marks the 40th anniversary of the 1978 conference, which adopted the Buenos Aires Plan of Action.
    tcdc = Event.objects.get(slug="tcdc-1978")
    assert tcdc.local_start.year == 1978
    plan = Publication.objects.get(slug="buenos-aires-plan-of-action-1978")
    assert plan.launched_at == tcdc and plan.launch_type == "adopted"


def test_nynorsk_article_is_the_same_news_as_the_english_one(seeded):
    english = Publication.objects.get(slug="norec-report-launched-at-bapa40")
    nynorsk = Publication.objects.get(slug="lanserer-spesialrapport-om-norec-pa-bapa40")
    assert english.relations.get(target=nynorsk).relation_type == "is_translation_of"
    assert list(nynorsk.language_versions.values_list("language", flat=True)) == ["nn"]
    assert list(english.language_versions.values_list("language", flat=True)) == ["en"]
    norec = Partner.objects.get(acronym="Norec")
    assert "Norsk senter for utvekslingssamarbeid" in norec.alternative_names.values_list("name", flat=True)
    unossc = Partner.objects.get(acronym="UNOSSC")
    assert "FNs organisasjon for sør-sør-samarbeid" in unossc.alternative_names.values_list("name", flat=True)


def test_unossc_wgeo_partnership_across_seven_platforms(seeded):
    partnership = Partnership.objects.get(slug="unossc-wgeo-green-economy")
    assert partnership.start_date == datetime.date(2018, 2, 19)
    assert set(partnership.platforms.values_list("name", flat=True)) == {
        "Public Sector",
        "Private Sector",
        "Financial Sector",
        "Cities",
        "Academia and Youth",
        "Civil Society",
        "International Organizations",
    }
    assert set(partnership.modalities.values_list("code", flat=True)) == {"south_south", "triangular"}
    assert "Green economy" in partnership.themes.values_list("name", flat=True)
    assert partnership.objective.startswith("Contribute to promoting Green Economy")
    participants = {p.partner.acronym: p for p in partnership.participations.all()}
    assert set(participants) == {"UNOSSC", "WGEO", "UNDP"}
    assert participants["UNOSSC"].triangular_role == "facilitating"
    unossc = participants["UNOSSC"].partner
    assert unossc.parent.acronym == "UNDP"  # UNOSSC is hosted by UNDP


def test_rome_based_agencies_un_day_in_kigali(seeded):
    event = Event.objects.get(slug="un-day-for-south-south-cooperation-2023-kigali")
    assert event.start == datetime.datetime(2023, 9, 12, 7, 0, tzinfo=UTC)
    assert event.end == datetime.datetime(2023, 9, 12, 11, 0, tzinfo=UTC)
    assert event.timezone == "Africa/Kigali"
    assert event.start.astimezone(zoneinfo.ZoneInfo("Africa/Kigali")).hour == 9
    assert event.attendance_mode == "hybrid"
    assert (event.venue, event.city, event.country_id) == (
        "Rwanda Cooperation Governance Center",
        "Kigali",
        "RW",
    )
    assert event.theme == (
        "Solidarity, Equity and Partnership: Unlocking South-South Cooperation to Achieve the SDGs"
    )
    assert event.document_symbols == ["A/C.2/66/L.48"]
    assert event.announced_on == datetime.date(2023, 9, 8)
    assert set(event.registration_links.values_list("kind", flat=True)) == {"in_person", "online"}
    organisers = {o.partner.acronym or o.partner.name: o.role for o in event.organiser_roles.all()}
    assert organisers == {
        "Rwanda Cooperation": "host",
        "FAO": "co_organiser",
        "IFAD": "co_organiser",
        "WFP": "co_organiser",
    }
    identifiers = dict(
        Partner.objects.filter(acronym__in=["FAO", "IFAD", "WFP"]).values_list("acronym", "identifier")
    )
    assert identifiers == {"FAO": "XM-DAC-41301", "IFAD": "XM-DAC-41108", "WFP": "XM-DAC-41140"}
    fao = Partner.objects.get(acronym="FAO")
    assert SourceLink.objects.filter(object_id=fao.pk, url__contains="crschannelcode").exists()
    assert Event.objects.get(slug="sdg-summit-2023").local_start.date() > event.local_start.date()


def test_unece_strategy_in_english_and_russian(seeded):
    strategy = Publication.objects.get(slug="unece-technical-cooperation-strategy-2007")
    assert strategy.publication_type == "strategy"
    assert strategy.document_category_id == "B02"
    assert (strategy.publication_date, strategy.publication_date_precision) == (
        datetime.date(2007, 4, 1),
        "month",
    )
    assert dict(strategy.language_versions.values_list("language", "title")) == {
        "en": "Technical Cooperation Strategy",
        "ru": "Стратегия технического сотрудничества",
    }
    session = strategy.launched_at
    assert "Sixty-second session" in session.title and session.date_precision == "month"
    assert strategy.launch_type == "adopted"
    relations = {r.target.slug: r.relation_type for r in strategy.relations.all()}
    assert relations == {
        "unece-technical-cooperation-strategy-2004": "is_derived_from",
        "work-plan-on-unece-reform-2005": "references",
    }
    paper = Publication.objects.get(slug="unece-technical-cooperation-strategy-2004")
    assert (paper.publication_date.year, paper.publication_date_precision) == (2004, "year")
    assert Partner.objects.get(acronym="UNECE").identifier == "XM-DAC-41314"


def test_seed_records_are_published(seeded):
    for model in (Partner, Person, Partnership, Event, Publication):
        assert not model.objects.exclude(status=Status.PUBLISHED).exists()


def test_running_the_seed_command_twice_changes_nothing(seeded):
    def snapshot():
        return {
            model.__name__: sorted(model.objects.values_list("pk", "updated_at"))
            for model in (Partner, Person, Partnership, Event, Publication)
        }

    before = snapshot()
    output = io.StringIO()
    call_command("load_seed_data", stdout=output)
    assert "0 records created (0 rows with their parts)" in output.getvalue()
    second = load_seed_data()
    assert (second.created, second.records_created) == (0, 0)
    assert second.records_kept == seeded.records_created
    assert snapshot() == before


def test_a_second_run_bumps_no_version_and_writes_no_history(seeded):
    versions = {model: list(model.objects.values_list("pk", "version")) for model in (Partner, Partnership)}
    history_rows = Partner.history.field.model.objects.count()
    second = load_seed_data()
    assert second.created == 0
    assert {model: list(model.objects.values_list("pk", "version")) for model in versions} == versions
    assert Partner.history.field.model.objects.count() == history_rows


def test_the_report_of_a_first_run_is_true(db):
    output = io.StringIO()
    call_command("load_seed_data", stdout=output)
    records = sum(m.objects.count() for m in (Partner, Person, Partnership, Event, Publication))
    text = output.getvalue()
    assert "updated" not in text
    assert "0 already there" in text
    # Themes and series are records of the seed too.
    from reports.models import Series
    from vocabularies.models import Theme

    records += Theme.objects.count() + Series.objects.count()
    assert f"Seed data: {records} records created" in text


def test_a_curators_edits_survive_the_next_run(seeded):
    """make run loads the seed on every start: an edited seed record must come back as edited."""
    from partnerships.models import Participation, PartnerName

    wgeo = Partnership.objects.get(slug="unossc-wgeo-green-economy")
    wgeo.summary = "Edited by a curator."
    wgeo.save()
    wgeo.platforms.clear()
    Participation.objects.filter(partnership=wgeo, partner__slug="undp").delete()
    unossc = Partner.objects.get(slug="unossc")
    PartnerName.objects.filter(partner=unossc).first().delete()
    names = PartnerName.objects.filter(partner=unossc).count()
    SourceLink.objects.filter(object_id=unossc.pk, url__contains="norec.no/en").delete()
    version = Partnership.objects.get(pk=wgeo.pk).version

    second = load_seed_data()

    wgeo.refresh_from_db()
    assert wgeo.summary == "Edited by a curator."
    assert wgeo.version == version
    assert not wgeo.platforms.exists()
    assert not Participation.objects.filter(partnership=wgeo, partner__slug="undp").exists()
    assert PartnerName.objects.filter(partner=unossc).count() == names
    assert not SourceLink.objects.filter(object_id=unossc.pk, url__contains="norec.no/en").exists()
    assert second.created == 0


def test_a_deleted_seed_record_is_created_again_whole(seeded):
    Partnership.objects.filter(slug="unossc-wgeo-green-economy").delete()
    second = load_seed_data()
    wgeo = Partnership.objects.get(slug="unossc-wgeo-green-economy")
    assert wgeo.platforms.count() == 7
    assert second.records_created == 1 and second.created > 1


def test_history_names_the_seed_as_the_author(seeded):
    from registry.history import record_history

    wgeo = Partnership.objects.get(slug="unossc-wgeo-green-economy")
    groups = record_history(wgeo)
    assert groups and all("seed" in group.via for group in groups)


def test_every_seed_record_links_to_the_seed_documents_it_comes_from(seeded):
    from django.contrib.contenttypes.models import ContentType

    from sscregistry.seed import DOCUMENTS

    urls = {url for url, _, _ in DOCUMENTS.values()}
    for model in (Partner, Person, Partnership, Event, Publication):
        content_type = ContentType.objects.get_for_model(model)
        for record in model.objects.all():
            linked = set(
                SourceLink.objects.filter(content_type=content_type, object_id=record.pk).values_list(
                    "url", flat=True
                )
            )
            assert linked & urls, f"{model.__name__} {record.slug} has no seed document among its sources"
    wgeo = Partnership.objects.get(slug="unossc-wgeo-green-economy")
    sources = SourceLink.objects.filter(
        content_type=ContentType.objects.get_for_model(Partnership), object_id=wgeo.pk
    )
    assert [s.published_on for s in sources] == [datetime.date(2018, 2, 19)]
