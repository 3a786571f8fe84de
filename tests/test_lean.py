"""The lean read path (registry/lean.py) answers exactly what the read serializers answer.

Every comparison fetches the same address twice, with `API_LEAN_READS` off (the serializer) and on
(the reader), and requires the same bytes: same keys, same order, same values. A spy checks that the
lean side really went through the reader.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from partnerships.lean import (
    PartnerExport,
    PartnerReader,
    PartnershipExport,
    PartnershipReader,
    PersonReader,
)
from partnerships.models import Partner, PartnerName, Partnership, Person
from registry.lean import slug_url_builder
from registry.models import SourceLink
from tests.factories import (
    ParticipationFactory,
    PartnerFactory,
    PartnerNameFactory,
    PartnershipFactory,
    PersonFactory,
)
from vocabularies.models import Platform, Region, SDGTarget, Theme

pytestmark = pytest.mark.django_db


@pytest.fixture
def spy(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """How many records each reader assembled."""
    from events.lean import EventReader
    from reports.lean import PublicationReader

    calls = {"partnership": 0, "partner": 0, "person": 0, "event": 0, "publication": 0}
    readers = (
        ("partnership", PartnershipReader),
        ("partner", PartnerReader),
        ("person", PersonReader),
        ("event", EventReader),
        ("publication", PublicationReader),
    )
    for name, reader in readers:
        original = reader.records

        def counted(self: Any, rows: list, _original: Any = original, _name: str = name) -> list:
            calls[_name] += len(rows)
            return _original(self, rows)

        monkeypatch.setattr(reader, "records", counted)
    return calls


def differences(serializer: Any, lean: Any, path: str = "") -> list[str]:
    """Where two decoded answers differ, field by field (keys and their order included)."""
    if isinstance(serializer, dict) and isinstance(lean, dict):
        if list(serializer) != list(lean):
            return [f"{path or '/'}: keys {list(serializer)} != {list(lean)}"]
        return [d for key in serializer for d in differences(serializer[key], lean[key], f"{path}/{key}")]
    if isinstance(serializer, list) and isinstance(lean, list):
        if len(serializer) != len(lean):
            return [f"{path}: {len(serializer)} items != {len(lean)}"]
        pairs = enumerate(zip(serializer, lean, strict=True))
        return [d for i, (a, b) in pairs for d in differences(a, b, f"{path}/{i}")]
    if serializer != lean or type(serializer) is not type(lean):
        return [f"{path}: {serializer!r} != {lean!r}"]
    return []


def assert_same(api: Any, settings: Any, url: str, **params: Any) -> dict:
    settings.API_LEAN_READS = False
    expected = api.get(url, params)
    settings.API_LEAN_READS = True
    actual = api.get(url, params)
    assert expected.status_code == actual.status_code == 200, (url, expected.status_code, actual.status_code)
    assert differences(json.loads(expected.content), json.loads(actual.content)) == []
    assert expected.content == actual.content  # the rendered bytes too
    return json.loads(actual.content)


def csv_body(response: Any) -> bytes:
    assert response.status_code == 200 and response.streaming
    return b"".join(response.streaming_content)


def assert_same_csv(api: Any, settings: Any, url: str, **params: Any) -> list[list[str]]:
    """The export through `export_columns` and through the lean export: the same bytes."""
    settings.API_LEAN_READS = False
    expected = csv_body(api.get(url, params))
    settings.API_LEAN_READS = True
    actual = csv_body(api.get(url, params))
    for number, (old, new) in enumerate(zip(expected.splitlines(), actual.splitlines(), strict=False)):
        assert old == new, f"line {number}"
    assert expected == actual
    return list(csv.reader(io.StringIO(actual.decode("utf-8-sig"))))


def every_page(api: Any, settings: Any, url: str, **params: Any) -> list[dict]:
    results, page = [], 1
    while True:
        body = assert_same(api, settings, url, page=page, page_size=7, **params)
        results += body["results"]
        if body["next"] is None:
            return results
        page += 1


@pytest.mark.usefixtures("seeded")
class TestSeedData:
    @staticmethod
    def every_record(api, settings, spy, resource: str, model, name: str) -> list[dict]:
        """Every page of a resource's list and each record's detail answer the same both ways."""
        listed = every_page(api, settings, f"/api/v1/{resource}/")
        assert len(listed) == model.objects.published().count() > 0
        for record in listed:
            assert_same(api, settings, f"/api/v1/{resource}/{record['slug']}/")
        assert spy[name] == 2 * len(listed)
        return listed

    def test_partnership_lists_and_details(self, api, settings, spy):
        listed = self.every_record(api, settings, spy, "partnerships", Partnership, "partnership")
        assert any(record["participants"] for record in listed)

    def test_event_lists_and_details(self, api, settings, spy):
        from events.models import Event

        listed = self.every_record(api, settings, spy, "events", Event, "event")
        assert any(record["speakers"] for record in listed) and any(r["organisers"] for r in listed)
        assert_same(api, settings, "/api/v1/events/", q="Kigali")

    def test_publication_lists_and_details(self, api, settings, spy):
        from reports.models import Publication

        listed = self.every_record(api, settings, spy, "publications", Publication, "publication")
        assert any(record["language_versions"] for record in listed) and any(r["authors"] for r in listed)
        assert_same(api, settings, "/api/v1/publications/", q="Norec")

    def test_partner_lists_and_details(self, api, settings, spy):
        self.every_record(api, settings, spy, "partners", Partner, "partner")

    def test_people_lists_and_details(self, api, settings, spy):
        listed = self.every_record(api, settings, spy, "people", Person, "person")
        assert any(record["affiliation"] for record in listed)
        assert_same(api, settings, "/api/v1/people/", q="Kigali")

    @pytest.mark.parametrize(
        "params",
        [
            {"q": "WGEO"},
            {"q": "green economy"},
            {"q": "Kigli"},  # fuzzy
            {"platform": "cities", "ordering": "-updated_at"},
            {"format": "json"},  # the API url keeps the format parameter
        ],
    )
    def test_filtered_searched_and_formatted_lists(self, api, settings, spy, params):
        assert_same(api, settings, "/api/v1/partnerships/", **params)
        assert_same(api, settings, "/api/v1/partners/", **params)

    @pytest.mark.parametrize("resource", ["partnerships", "partners", "events", "publications"])
    def test_csv_exports(self, api, settings, resource):
        lines = assert_same_csv(api, settings, f"/api/v1/{resource}/export.csv")
        assert len(lines) == 1 + type(self).published(resource) > 1

    @staticmethod
    def published(resource: str) -> int:
        from events.models import Event
        from reports.models import Publication

        models = {
            "partnerships": Partnership,
            "partners": Partner,
            "events": Event,
            "publications": Publication,
        }
        return models[resource].objects.published().count()

    def test_format_suffix(self, api, settings, spy):
        assert_same(api, settings, "/api/v1/partnerships.json")
        assert spy["partnership"] > 0


@pytest.fixture
def filled(db) -> Partnership:
    """A partnership with every relation filled, drafts beside published records."""
    partnership = PartnershipFactory(
        slug="filled",
        summary="Summary",
        objective="Objective",
        description="Description",
        activity_status_id="2",
        start_date=datetime.date(2019, 3, 1),
        start_date_precision="month",
        end_date=datetime.date(2024, 12, 31),
        end_date_precision="day",
    )
    partnership.modalities.set(["south_south", "triangular"])
    partnership.platforms.set(Platform.objects.order_by("slug")[:3])
    partnership.sdgs.set([17, 5, 13])
    partnership.sdg_targets.set(SDGTarget.objects.filter(code__in=["17.6", "5.1", "13.1", "17.17"]))
    partnership.countries.set(["RW", "BR", "NO"])
    partnership.regions.set(["002", "419", "202"])
    partnership.themes.set(
        [
            Theme.objects.create(slug="water", name="Water"),
            Theme.objects.create(slug="agriculture", name="Agriculture"),
        ]
    )
    parent = PartnerFactory(slug="parent", name="Parent", acronym="PA")
    lead = PartnerFactory(
        slug="lead",
        name="Lead agency",
        acronym="LA",
        organisation_type_id="10",
        country_id="BR",
        identifier="XM-DAC-41301",
        website="https://lead.example.org",
        description="Leads.",
        parent=parent,
    )
    ParticipationFactory(partnership=partnership, partner=lead, role_id="1", triangular_role="pivotal")
    ParticipationFactory(partnership=partnership, partner=lead, role_id="4", description="Runs it")
    ParticipationFactory(
        partnership=partnership,
        partner=PartnerFactory(slug="no-country", country_id=None, organisation_type_id=None, acronym=""),
    )
    ParticipationFactory(partnership=partnership, partner=PartnerFactory(slug="secret", draft=True))
    PartnerNameFactory(partner=lead, name="Agence principale", language_id="fr")
    PartnerNameFactory(partner=lead, name="LA agency", language_id=None, kind=PartnerName.Kind.VARIANT)
    PartnerFactory(slug="orphan", parent=PartnerFactory(slug="draft-parent", draft=True))
    for record in (partnership, lead):
        content_type = ContentType.objects.get_for_model(record)
        SourceLink.objects.create(
            content_type=content_type,
            object_id=record.pk,
            url="https://source.example.org/b",
            title="Second",
            published_on=datetime.date(2020, 5, 17),
            note="Dates",
        )
        SourceLink.objects.create(content_type=content_type, object_id=record.pk, url="https://example.org/a")
    PartnershipFactory(slug="bare", start_date=None, published_at=timezone.now().replace(microsecond=0))
    for _ in range(3):
        ParticipationFactory(partnership=PartnershipFactory())
    return partnership


def test_filled_records_list_and_detail(api, settings, spy, filled):
    listed = every_page(api, settings, "/api/v1/partnerships/")
    assert len(listed) == 5
    body = assert_same(api, settings, "/api/v1/partnerships/filled/")
    # Everything is really there, so the comparison covered it.
    assert [p["partner"]["slug"] for p in body["participants"]] == ["lead", "lead", "no-country"]
    assert body["participants"][0]["role"] == {"code": "1", "name": "Funding"}
    assert body["participants"][2]["role"] is None
    for key in ("modalities", "platforms", "sdg_targets", "countries", "regions", "themes", "sources"):
        assert len(body[key]) >= 2, key
    assert body["status"] == {"code": "2", "name": "Implementation"}
    assert body["sources"][0]["published_on"] == "2020-05-17"
    assert_same(api, settings, "/api/v1/partnerships/bare/")
    partners = every_page(api, settings, "/api/v1/partners/")
    for slug in ("lead", "orphan", "no-country", "parent"):
        assert_same(api, settings, f"/api/v1/partners/{slug}/")
    lead = next(p for p in partners if p["slug"] == "lead")
    assert lead["parent"]["slug"] == "parent" and len(lead["alternative_names"]) == 2
    assert next(p for p in partners if p["slug"] == "orphan")["parent"] is None
    assert spy["partnership"] > 0 and spy["partner"] > 0


def test_people_with_and_without_a_published_affiliation(api, settings, spy, filled):
    lead, secret = Partner.objects.get(slug="lead"), Partner.objects.get(slug="secret")
    PersonFactory(slug="adviser", name="Adviser", position="Senior Adviser", affiliation=lead)
    PersonFactory(slug="hidden-affiliation", name="Analyst", affiliation=secret)
    PersonFactory(slug="independent", name="Independent")
    PersonFactory(slug="draft-person", name="Draft person", affiliation=lead, draft=True)
    people = every_page(api, settings, "/api/v1/people/")
    assert [person["slug"] for person in people] == ["adviser", "hidden-affiliation", "independent"]
    adviser = assert_same(api, settings, "/api/v1/people/adviser/")
    assert adviser["affiliation"] == {"slug": "lead", "name": "Lead agency", "acronym": "LA", "country": "BR"}
    assert adviser["position"] == "Senior Adviser" and adviser["web_url"] is None
    assert assert_same(api, settings, "/api/v1/people/hidden-affiliation/")["affiliation"] is None
    assert_same(api, settings, "/api/v1/people/", affiliation="lead")
    assert api.get("/api/v1/people/draft-person/").status_code == 404
    assert spy["person"] > 0


def test_filters_and_a_detail_the_filters_exclude(api, settings, spy, filled):
    assert_same(api, settings, "/api/v1/partnerships/", platform=filled.platforms.first().slug, sdg="17")
    settings.API_LEAN_READS = True
    assert api.get("/api/v1/partnerships/filled/", {"sdg": "1"}).status_code == 404
    assert api.get("/api/v1/partnerships/secret/").status_code == 404
    assert api.get("/api/v1/partners/secret/").status_code == 404


def test_the_browsable_api_keeps_the_serializer(api, settings, spy, filled):
    settings.API_LEAN_READS = True
    assert api.get("/api/v1/partnerships/filled/", HTTP_ACCEPT="text/html").status_code == 200
    assert spy["partnership"] == 0


def test_urls_outside_the_plain_slug_alphabet_fall_back_to_the_builder():
    build = slug_url_builder(lambda slug: f"https://x.example/a/{slug.replace(' ', '%20')}/?f=1")
    assert build("plain-slug_1") == "https://x.example/a/plain-slug_1/?f=1"
    assert build("two words") == "https://x.example/a/two%20words/?f=1"


@pytest.mark.parametrize("chunk_size", [2, 500])
def test_filled_records_export(api, settings, monkeypatch, filled, chunk_size):
    monkeypatch.setattr(PartnershipExport, "chunk_size", chunk_size)
    monkeypatch.setattr(PartnerExport, "chunk_size", chunk_size)
    lines = assert_same_csv(api, settings, "/api/v1/partnerships/export.csv")
    assert len(lines) == 6
    filled_line = "|".join(next(line for line in lines if line[0] == "filled"))
    assert "Lead agency (LA) [lead] - Funding, Pivotal partner; Lead agency (LA) [lead] - Implementing" in (
        filled_line
    )
    assert "secret" not in filled_line
    assert_same_csv(api, settings, "/api/v1/partnerships/export.csv", sdg="17")
    assert len(assert_same_csv(api, settings, "/api/v1/partners/export.csv")) > 5


def test_the_export_streams_a_chunk_at_a_time(api, settings, monkeypatch, filled):
    """Each chunk's relations are read when the chunk is written, so memory stays flat."""
    settings.API_LEAN_READS = True
    monkeypatch.setattr(PartnershipExport, "chunk_size", 2)

    def modality_queries(queries: CaptureQueriesContext) -> int:
        return sum("partnership_modalities" in q["sql"] for q in queries.captured_queries)

    with CaptureQueriesContext(connection) as queries:
        lines = iter(api.get("/api/v1/partnerships/export.csv").streaming_content)
        next(lines), next(lines), next(lines)  # the header and the first chunk's two rows
        assert modality_queries(queries) == 1
        rest = list(lines)
    assert len(rest) == 3 and modality_queries(queries) == 3  # five rows: chunks of 2, 2 and 1


def test_export_query_count_is_constant(api, settings):
    settings.API_LEAN_READS = True
    counts = []
    for batch in (5, 120):
        for _ in range(batch):
            ParticipationFactory(partnership=PartnershipFactory())
        with CaptureQueriesContext(connection) as queries:
            csv_body(api.get("/api/v1/partnerships/export.csv"))
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1] <= 12, counts


@pytest.fixture
def filled_events_and_publications(db):
    """Events and publications with every exported relation, drafts among the linked records."""
    from events.models import EventOrganiser
    from reports.models import Authorship, Publication, PublicationOrganisation, Series
    from tests.factories import (
        EventFactory,
        EventOrganiserFactory,
        LanguageVersionFactory,
        PersonFactory,
        PublicationFactory,
        PublicationOrganisationFactory,
    )

    host = PartnerFactory(slug="host", name="Host agency")
    parent = EventFactory(slug="summit")
    event = EventFactory(
        slug="side",
        parent=parent,
        timezone="America/La_Paz",
        country_id="RW",
        venue="Hall 2",
        city="Kigali",
        document_symbols=["A/RES/73/291", "SSC/20/1"],
        all_day=True,
    )
    EventFactory(slug="orphan-side", parent=EventFactory(slug="draft-summit", draft=True))
    EventOrganiserFactory(event=event, partner=host, role=EventOrganiser.Role.HOST)
    EventOrganiserFactory(event=event, partner=PartnerFactory(slug="co", name="Co"), role="co_organiser")
    EventOrganiserFactory(event=event, partner=PartnerFactory(slug="hidden", draft=True))
    event.themes.set(Theme.objects.all()[:2])
    event.partnerships.set([PartnershipFactory(slug="shown"), PartnershipFactory(slug="unshown", draft=True)])

    launch = PublicationFactory(
        slug="report",
        launched_at=event,
        series=Series.objects.create(name="Norec reports", slug="norec-reports"),
        publication_type=Publication.Type.REPORT,
    )
    PublicationFactory(slug="launched-at-draft", launched_at=EventFactory(slug="draft-launch", draft=True))
    Authorship.objects.create(publication=launch, person=PersonFactory(slug="b-author", name="B"), order=2)
    Authorship.objects.create(publication=launch, person=PersonFactory(slug="a-author", name="A"), order=1)
    Authorship.objects.create(
        publication=launch, person=PersonFactory(slug="draft-author", draft=True), order=3
    )
    PublicationOrganisationFactory(publication=launch, partner=host)
    PublicationOrganisationFactory(
        publication=launch, partner=PartnerFactory(slug="x", name="X"), role="funder"
    )
    PublicationOrganisationFactory(publication=launch, partner=PartnerFactory(slug="gone", draft=True))
    LanguageVersionFactory(publication=launch, language_id="nn")
    LanguageVersionFactory(publication=launch, language_id="en", is_original=True)
    launch.sdgs.set(["17", "4"])
    launch.regions.set(Region.objects.all()[:2])
    launch.themes.set(Theme.objects.all()[:2])
    assert PublicationOrganisation.objects.count() == 3
    return event, launch


@pytest.mark.parametrize("chunk_size", [2, 500])
def test_filled_events_and_publications_export(
    api, settings, monkeypatch, filled_events_and_publications, chunk_size
):
    from events.lean import EventExport
    from reports.lean import PublicationExport

    monkeypatch.setattr(EventExport, "chunk_size", chunk_size)
    monkeypatch.setattr(PublicationExport, "chunk_size", chunk_size)
    events = {line[0]: line for line in assert_same_csv(api, settings, "/api/v1/events/export.csv")[1:]}
    side = "|".join(events["side"])
    assert "Host agency [host] - Host; Co [co] - Co-organiser" in side and "hidden" not in side
    assert "shown" in side and "unshown" not in side and "A/RES/73/291; SSC/20/1" in side
    assert events["side"][5].endswith("-04:00") and events["side"][18] == "summit"
    assert events["orphan-side"][18] == ""
    publications = {
        line[0]: line for line in assert_same_csv(api, settings, "/api/v1/publications/export.csv")[1:]
    }
    report = "|".join(publications["report"])
    assert "A [a-author]; B [b-author]" in report and "draft-author" not in report and "gone" not in report
    assert "Norec reports [norec-reports]" in report and "|en; nn|side|" in report
    assert publications["launched-at-draft"][10] == ""
    assert len(assert_same_csv(api, settings, "/api/v1/events/export.csv", country="RW")) == 2


def test_filled_event_list_and_details(api, settings, spy, filled_events_and_publications):
    from events.models import EventParticipant, RegistrationLink
    from tests.factories import PersonFactory

    event, _ = filled_events_and_publications
    speaker = PersonFactory(slug="speaker", name="Speaker")
    representing = PartnerFactory(slug="ministry", acronym="MIN", country_id="NO")
    EventParticipant.objects.create(event=event, person=speaker, representing=representing, order=2)
    EventParticipant.objects.create(event=event, description="A delegate of Rwanda", order=1)
    EventParticipant.objects.create(event=event, person=PersonFactory(slug="unlisted", draft=True), order=3)
    EventParticipant.objects.create(
        event=event, person=speaker, representing=PartnerFactory(slug="draft-org", draft=True), order=4
    )
    RegistrationLink.objects.create(event=event, kind="in_person", url="https://example.org/in", note="Badge")
    RegistrationLink.objects.create(event=event, kind="online", url="https://example.org/on")
    SourceLink.objects.create(
        content_type=ContentType.objects.get_for_model(event), object_id=event.pk, url="https://example.org/s"
    )
    every_page(api, settings, "/api/v1/events/")
    body = assert_same(api, settings, "/api/v1/events/side/")
    assert [s["person"] and s["person"]["slug"] for s in body["speakers"]] == [None, "speaker", "speaker"]
    assert (
        body["speakers"][1]["representing"]["slug"] == "ministry"
        and body["speakers"][2]["representing"] is None
    )
    assert len(body["registration_links"]) == 2 and body["parent"]["slug"] == "summit"
    assert [p["slug"] for p in body["partnerships"]] == ["shown"] and body["country"]["code"] == "RW"
    assert body["start"].endswith("-04:00") and len(body["sources"]) == 1
    assert assert_same(api, settings, "/api/v1/events/orphan-side/")["parent"] is None
    assert spy["event"] > 0


@pytest.mark.parametrize("resource", ["events", "publications"])
def test_event_and_publication_export_query_count_is_constant(api, settings, resource):
    from tests.factories import EventOrganiserFactory, PublicationOrganisationFactory

    settings.API_LEAN_READS = True
    counts = []
    for batch in (5, 120):
        for _ in range(batch):
            EventOrganiserFactory() if resource == "events" else PublicationOrganisationFactory()
        with CaptureQueriesContext(connection) as queries:
            csv_body(api.get(f"/api/v1/{resource}/export.csv"))
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1] <= 12, counts


def test_filled_publication_list_and_details(api, settings, spy, filled_events_and_publications):
    from reports.models import LanguageVersion, Publication, PublicationRelation
    from tests.factories import PublicationFactory, PublicationRelationFactory
    from vocabularies.models import DocumentCategory

    _, report = filled_events_and_publications
    report.document_category = DocumentCategory.objects.first()
    report.document_symbol = "ECE/TCS/2004"
    report.save()
    LanguageVersion.objects.filter(publication=report, language_id="nn").update(file="versions/norec-nn.pdf")
    LanguageVersion.objects.filter(publication=report, language_id="en").update(url="https://example.org/en")
    PublicationRelationFactory(source=report, target=PublicationFactory(slug="earlier"))
    PublicationRelationFactory(
        source=report, target=PublicationFactory(slug="hidden-draft", draft=True), relation_type="is_part_of"
    )
    report.partnerships.set(
        [PartnershipFactory(slug="funded"), PartnershipFactory(slug="drafted", draft=True)]
    )
    bare = PublicationFactory(slug="bare-report", publication_type=Publication.Type.REPORT)
    every_page(api, settings, "/api/v1/publications/")
    body = assert_same(api, settings, "/api/v1/publications/report/")
    assert [a["slug"] for a in body["authors"]] == ["a-author", "b-author"]
    assert [o["partner"]["slug"] for o in body["organisations"]] == ["x", "host"] or len(
        body["organisations"]
    ) == 2
    assert [v["url"] for v in body["language_versions"]] == [
        "https://example.org/en",
        "http://testserver/files/publications/report/norec-nn.pdf",
    ]
    assert [r["publication"]["slug"] for r in body["relations"]] == ["earlier"]
    assert [p["slug"] for p in body["partnerships"]] == ["funded"] and body["launched_at"]["slug"] == "side"
    assert body["series"]["slug"] == "norec-reports" and body["document_category"] is not None
    assert len(body["sdgs"]) == 2 and len(body["regions"]) == 2
    assert assert_same(api, settings, f"/api/v1/publications/{bare.slug}/")["series"] is None
    assert assert_same(api, settings, "/api/v1/publications/launched-at-draft/")["launched_at"] is None
    assert PublicationRelation.objects.count() == 2 and spy["publication"] > 0


def test_a_page_sends_its_relation_queries_as_one_batch(api, settings, monkeypatch, filled):
    """Nine relation queries, one round trip; with server-side binding (no batches) each query
    runs on its own, with the same answer."""
    from registry import lean

    settings.API_LEAN_READS = True
    api.get("/api/v1/partnerships/filled/")  # each relation query's first run records its model
    with CaptureQueriesContext(connection) as batched:
        body = api.get("/api/v1/partnerships/filled/").content
    statements = [q["sql"] for q in batched.captured_queries]
    assert len(statements) == 3, statements  # the last write, the record, its relations
    batch = statements[-1]
    for table in (
        "partnerships_participation",
        "partnerships_partnership_modalities",
        "registry_sourcelink",
    ):
        assert batch.count(f'FROM "{table}"') == 1, table

    class NotThisCursor:
        pass

    monkeypatch.setattr(lean.psycopg, "ClientCursor", NotThisCursor)
    with CaptureQueriesContext(connection) as separate:
        assert api.get("/api/v1/partnerships/filled/").content == body
    assert len(separate.captured_queries) == 2 + 9
