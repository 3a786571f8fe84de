"""Every public answer about a record, frozen: the JSON lists and details, the CSV exports, the bulk
dump and the OpenAPI components, compared byte for byte with the files in tests/golden/.

The fixture fills every public field of every record type with a value other than its default,
beside drafts that must stay out. Ids and timestamps are fixed, so the answers are the same on
every run. After a deliberate change to an answer, rewrite the files with
`GOLDEN_UPDATE=1 pytest tests/registry/test_shapes.py` and review the diff.
"""

from __future__ import annotations

import datetime
import json
import os
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from events.models import Event, EventOrganiser, EventParticipant, RegistrationLink
from partnerships.models import Participation, Partner, PartnerName, PartnerRelation, Partnership, Person
from partnerships.shapes import PARTNERSHIP
from registry import shapes
from registry.models import SourceLink
from registry.shapes import ListOf, Object, slug_url_builder
from reports.models import Authorship, LanguageVersion, Publication, PublicationOrganisation, Series
from sscregistry.dataset import export_dataset
from vocabularies.models import DocumentCategory, Platform, Region, SDGTarget, Theme

pytestmark = pytest.mark.django_db

GOLDEN = Path(__file__).resolve().parent.parent / "golden"
UPDATE = os.environ.get("GOLDEN_UPDATE") == "1"
PUBLISHED_AT = datetime.datetime(2024, 3, 5, 9, 30, 15, 123456, tzinfo=datetime.UTC)
UPDATED_AT = datetime.datetime(2025, 11, 20, 16, 45, 0, 654321, tzinfo=datetime.UTC)
RESOURCES = {
    "partnerships": Partnership,
    "partners": Partner,
    "people": Person,
    "events": Event,
    "publications": Publication,
}
RECORD_SCHEMAS = ["Partnership", "Partner", "Person", "Event", "Publication"]


def _record(model: type, pk: int, slug: str, *, draft: bool = False, **fields: Any) -> Any:
    status = "draft" if draft else "published"
    return model.objects.create(
        pk=pk, slug=slug, status=status, published_at=None if draft else PUBLISHED_AT, **fields
    )


def _sources(record: Any) -> None:
    content_type = ContentType.objects.get_for_model(record)
    SourceLink.objects.create(
        content_type=content_type,
        object_id=record.pk,
        url=f"https://source.example.org/{record.slug}",
        title="Second",
        published_on=datetime.date(2020, 5, 17),
        note="Dates",
    )
    SourceLink.objects.create(content_type=content_type, object_id=record.pk, url="https://example.org/a")


@pytest.fixture
def full_registry(db: None) -> None:
    """Records of every type with every public field filled, and drafts linked to them."""
    water = Theme.objects.create(slug="water", name="Water")
    farming = Theme.objects.create(slug="agriculture", name="Agriculture")

    parent = _record(Partner, 9101, "parent", name="Parent", acronym="PA", organisation_type_id="40")
    lead = _record(
        Partner,
        9102,
        "lead",
        name="Lead agency",
        acronym="LA",
        organisation_type_id="10",
        country_id="BR",
        identifier="XM-DAC-41301",
        website="https://lead.example.org",
        description="Leads.",
        parent=parent,
        translations={
            "fr": {"title": "Agence chef de file", "summary": "Dirige."},
            "pt": {"title": "Agência líder"},
        },
    )
    bare_partner = _record(Partner, 9103, "no-country", name="No country")
    secret = _record(Partner, 9104, "secret", name="Secret", draft=True, country_id="RW")
    draft_parent = _record(Partner, 9105, "draft-parent", name="Draft parent", draft=True)
    _record(Partner, 9106, "orphan", name="Orphan", country_id="KE", parent=draft_parent)
    PartnerName.objects.create(partner=lead, name="Agence principale", language_id="fr")
    PartnerName.objects.create(partner=lead, name="LA agency", kind=PartnerName.Kind.VARIANT)
    # Dated relations: a predecessor, a former parent, and a draft predecessor no one may see.
    PartnerRelation.objects.create(
        partner=lead, kind="predecessor", related=bare_partner, start_date=datetime.date(2019, 7, 1)
    )
    PartnerRelation.objects.create(
        partner=bare_partner,
        kind="parent",
        related=parent,
        start_date=datetime.date(2001, 1, 1),
        end_date=datetime.date(2015, 6, 30),
    )
    PartnerRelation.objects.create(partner=lead, kind="predecessor", related=secret)
    _sources(lead)

    _record(Person, 9201, "adviser", name="Adviser", position="Senior Adviser", affiliation=lead)
    _record(Person, 9202, "hidden-affiliation", name="Analyst", affiliation=secret)
    _record(Person, 9203, "independent", name="Independent")
    _record(Person, 9204, "draft-person", name="Draft person", affiliation=lead, draft=True)
    author_a = _record(Person, 9205, "a-author", name="A", position="Economist")
    author_b = _record(Person, 9206, "b-author", name="B")

    filled = _record(
        Partnership,
        9301,
        "filled",
        title="Filled partnership",
        summary="Summary",
        objective="Objective",
        description="Description",
        activity_status_id="2",
        start_date=datetime.date(2019, 3, 1),
        start_date_precision="month",
        end_date=datetime.date(2024, 12, 31),
        end_date_precision="day",
    )
    filled.modalities.set(["south_south", "triangular"])
    filled.platforms.set(Platform.objects.order_by("slug")[:3])
    filled.sdgs.set([17, 5, 13])
    filled.sdg_targets.set(SDGTarget.objects.filter(code__in=["17.6", "5.1", "13.1", "17.17"]))
    filled.countries.set(["RW", "BR", "NO"])
    filled.regions.set(["002", "419", "202"])
    filled.themes.set([water, farming])
    Participation.objects.create(partnership=filled, partner=lead, role_id="1", triangular_role="pivotal")
    Participation.objects.create(partnership=filled, partner=lead, role_id="4", description="Runs it")
    Participation.objects.create(partnership=filled, partner=bare_partner)
    Participation.objects.create(partnership=filled, partner=secret, role_id="2")
    _sources(filled)
    bare = _record(Partnership, 9302, "bare", title="Bare partnership")
    Participation.objects.create(partnership=bare, partner=parent, triangular_role="beneficiary")
    shown = _record(
        Partnership, 9303, "shown", title="Shown partnership", start_date=datetime.date(2021, 1, 1)
    )
    unshown = _record(Partnership, 9304, "unshown", title="Unshown", draft=True)

    summit = _record(
        Event,
        9401,
        "summit",
        title="Summit",
        event_type=Event.Type.CONFERENCE,
        timezone="Africa/Kigali",
        start=datetime.datetime(2031, 4, 2, 7, 0, tzinfo=datetime.UTC),
        end=datetime.datetime(2031, 4, 4, 15, 0, tzinfo=datetime.UTC),
    )
    side = _record(
        Event,
        9402,
        "side",
        title="Side event",
        short_title="SIDE",
        event_type=Event.Type.SIDE_EVENT,
        theme="Water for all",
        description="A side event.",
        timezone="America/La_Paz",
        start=datetime.datetime(2031, 4, 3, 0, 0, tzinfo=datetime.UTC),
        end=datetime.datetime(2031, 4, 3, 23, 0, tzinfo=datetime.UTC),
        all_day=True,
        date_precision="day",
        schedule_note="afternoon",
        attendance_mode=Event.AttendanceMode.HYBRID,
        event_status=Event.EventStatus.POSTPONED,
        venue="Hall 2",
        city="Kigali",
        country_id="RW",
        parent=summit,
        document_symbols=["A/RES/73/291", "SSC/20/1"],
    )
    draft_summit = _record(
        Event,
        9403,
        "draft-summit",
        title="Draft summit",
        event_type=Event.Type.MEETING,
        start=datetime.datetime(2030, 1, 1, 9, 0, tzinfo=datetime.UTC),
        end=datetime.datetime(2030, 1, 1, 12, 0, tzinfo=datetime.UTC),
        draft=True,
    )
    _record(
        Event,
        9404,
        "orphan-side",
        title="Orphan side event",
        event_type=Event.Type.WEBINAR,
        start=datetime.datetime(2030, 1, 1, 10, 0, tzinfo=datetime.UTC),
        end=datetime.datetime(2030, 1, 1, 11, 0, tzinfo=datetime.UTC),
        parent=draft_summit,
    )
    host = _record(Partner, 9107, "host", name="Host agency", country_id="RW")
    co = _record(Partner, 9108, "co", name="Co", acronym="CO")
    hidden = _record(Partner, 9109, "hidden", name="Hidden", draft=True)
    EventOrganiser.objects.create(event=side, partner=host, role=EventOrganiser.Role.HOST)
    EventOrganiser.objects.create(event=side, partner=co, role="co_organiser")
    EventOrganiser.objects.create(event=side, partner=hidden)
    side.themes.set([water, farming])
    side.partnerships.set([shown, unshown])
    speaker = _record(Person, 9207, "speaker", name="Speaker", position="Minister")
    unlisted = _record(Person, 9208, "unlisted", name="Unlisted", draft=True)
    ministry = _record(Partner, 9110, "ministry", name="Ministry", acronym="MIN", country_id="NO")
    draft_org = _record(Partner, 9111, "draft-org", name="Draft organisation", draft=True)
    EventParticipant.objects.create(
        event=side, person=speaker, representing=ministry, role="moderator", order=2
    )
    EventParticipant.objects.create(event=side, description="A delegate of Rwanda", role="delegate", order=1)
    EventParticipant.objects.create(event=side, person=unlisted, order=3)
    EventParticipant.objects.create(event=side, person=speaker, representing=draft_org, order=4)
    RegistrationLink.objects.create(event=side, kind="in_person", url="https://example.org/in", note="Badge")
    RegistrationLink.objects.create(event=side, kind="online", url="https://example.org/on")
    _sources(side)

    report = _record(
        Publication,
        9501,
        "report",
        title="Norec report",
        publication_type=Publication.Type.POLICY_BRIEF,
        document_category=DocumentCategory.objects.order_by("pk").first(),
        summary="What Norec found.",
        publication_date=datetime.date(2004, 1, 1),
        publication_date_precision="year",
        series=Series.objects.create(name="Norec reports", slug="norec-reports"),
        document_symbol="ECE/TCS/2004",
        launched_at=side,
        launch_type=Publication.LaunchType.PRESENTED,
    )
    earlier = _record(Publication, 9502, "earlier", title="Earlier", publication_type=Publication.Type.REPORT)
    hidden_draft = _record(
        Publication, 9503, "hidden-draft", title="Hidden", publication_type="report", draft=True
    )
    draft_launch = _record(
        Event,
        9405,
        "draft-launch",
        title="Draft launch",
        event_type=Event.Type.LAUNCH,
        start=datetime.datetime(2030, 2, 1, 9, 0, tzinfo=datetime.UTC),
        end=datetime.datetime(2030, 2, 1, 10, 0, tzinfo=datetime.UTC),
        draft=True,
    )
    _record(
        Publication,
        9504,
        "launched-at-draft",
        title="Launched at a draft",
        publication_type=Publication.Type.NEWS,
        launched_at=draft_launch,
    )
    draft_author = _record(Person, 9209, "draft-author", name="Draft author", draft=True)
    Authorship.objects.create(publication=report, person=author_b, order=2, role="editor")
    Authorship.objects.create(publication=report, person=author_a, order=1)
    Authorship.objects.create(publication=report, person=draft_author, order=3)
    PublicationOrganisation.objects.create(publication=report, partner=host, role="publisher")
    x = _record(Partner, 9112, "x", name="X")
    gone = _record(Partner, 9113, "gone", name="Gone", draft=True)
    PublicationOrganisation.objects.create(publication=report, partner=x, role="funder")
    PublicationOrganisation.objects.create(publication=report, partner=gone, role="author")
    LanguageVersion.objects.create(
        publication=report, language_id="nn", title="Norec-rapport", file="versions/norec-nn.pdf"
    )
    LanguageVersion.objects.create(
        publication=report,
        language_id="en",
        title="Norec report",
        url="https://example.org/en",
        is_original=True,
    )
    report.relations.create(target=earlier, relation_type="references")
    report.relations.create(target=hidden_draft, relation_type="is_part_of")
    report.partnerships.set([shown, unshown])
    report.sdgs.set([17, 4])
    report.regions.set(Region.objects.order_by("code")[:2])
    report.themes.set([water, farming])
    _sources(report)

    # Fixed stamps (update() skips auto_now), then a write stamp so that no cached answer survives.
    for model in RESOURCES.values():
        model.objects.update(updated_at=UPDATED_AT)
    # The update()s are a write: fire the stamp's commit-time trigger now (the test never commits).
    connection.check_constraints()


def _compare(name: str, actual: bytes) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(actual)
        return
    assert path.exists(), f"{name} is missing: run with GOLDEN_UPDATE=1"
    expected = path.read_bytes()
    for number, (old, new) in enumerate(zip(expected.splitlines(), actual.splitlines(), strict=False)):
        assert old == new, f"{name}, line {number + 1}"
    assert expected == actual, name


def _body(response: Any) -> bytes:
    assert response.status_code == 200, (response.status_code, response.content[:300])
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.usefixtures("full_registry")
@pytest.mark.parametrize("resource", list(RESOURCES))
def test_lists_and_details_answer_as_frozen(api, resource):
    listed = _body(api.get(f"/api/v1/{resource}/", {"page_size": 100}))
    _compare(f"api/{resource}.json", listed)
    slugs = [record["slug"] for record in json.loads(listed)["results"]]
    assert slugs and set(slugs) == set(RESOURCES[resource].objects.published().values_list("slug", flat=True))
    for slug in slugs:
        _compare(f"api/{resource}/{slug}.json", _body(api.get(f"/api/v1/{resource}/{slug}/")))
    # The record URLs keep a format suffix and parameter.
    _compare(f"api/{resource}.format.json", _body(api.get(f"/api/v1/{resource}.json", {"page_size": 2})))


@pytest.mark.usefixtures("full_registry")
@pytest.mark.parametrize("resource", list(RESOURCES))
def test_csv_exports_answer_as_frozen(api, resource):
    _compare(f"csv/{resource}.csv", _body(api.get(f"/api/v1/{resource}/export.csv")))


@pytest.mark.usefixtures("full_registry")
def test_the_bulk_dump_writes_as_frozen(tmp_path):
    path = export_dataset(tmp_path, site_url="https://registry.example.org/", now=UPDATED_AT)
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        assert len(names) == 24
        for name in names:
            _compare(f"dump/{name}", archive.read(name))


def test_the_schema_components_are_as_frozen(api):
    schema = json.loads(_body(api.get("/api/v1/schema/", {"format": "json"})))
    components = schema["components"]["schemas"]
    records = {
        name: body
        for name, body in components.items()
        if any(name.startswith(p) or name.endswith(p) for p in RECORD_SCHEMAS)
    }
    assert set(RECORD_SCHEMAS) <= set(records)
    text = json.dumps(records, indent=2, ensure_ascii=False) + "\n"
    _compare("openapi/components.json", text.encode())
    paths = {
        path: operations for path, operations in schema["paths"].items() if path.split("/")[3] in RESOURCES
    }
    _compare("openapi/paths.json", (json.dumps(paths, indent=2, ensure_ascii=False) + "\n").encode())


def test_the_golden_files_are_all_in_use():
    """No frozen answer is left over from a resource or record that is gone."""
    expected = {f"api/{r}.json" for r in RESOURCES} | {f"api/{r}.format.json" for r in RESOURCES}
    present = {str(p.relative_to(GOLDEN)) for p in GOLDEN.rglob("*") if p.is_file()}
    assert expected <= present
    assert all(name.split("/")[0] in {"api", "csv", "dump", "openapi"} for name in present)


@pytest.mark.usefixtures("full_registry")
@pytest.mark.parametrize("chunk_size", [2, 500])
@pytest.mark.parametrize("resource", list(RESOURCES))
def test_an_export_read_in_small_chunks_writes_the_same_bytes(api, monkeypatch, resource, chunk_size):
    shape = viewset_of(resource).shape
    monkeypatch.setattr(shape, "export_chunk_size", chunk_size)
    _compare(f"csv/{resource}.csv", _body(api.get(f"/api/v1/{resource}/export.csv")))


def viewset_of(resource: str) -> Any:
    from sscregistry.api import router

    return next(viewset for prefix, viewset, _ in router.registry if prefix == resource)


@pytest.mark.usefixtures("full_registry")
def test_filters_exclude_details_and_drafts_have_none(api):
    assert api.get("/api/v1/partnerships/filled/", {"sdg": "1"}).status_code == 404
    assert api.get("/api/v1/partnerships/filled/", {"sdg": "17"}).status_code == 200
    for resource, slug in [("partnerships", "unshown"), ("partners", "secret"), ("people", "draft-person")]:
        assert api.get(f"/api/v1/{resource}/{slug}/").status_code == 404
    listed = api.get("/api/v1/partnerships/", {"platform": "cities", "sdg": "17"}).json()
    assert [record["slug"] for record in listed["results"]] == ["filled"]


@pytest.mark.usefixtures("full_registry")
def test_the_browsable_api_shows_the_same_record(api):
    page = api.get("/api/v1/partnerships/filled/", HTTP_ACCEPT="text/html")
    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    assert "Filled partnership" in page.content.decode() and "Lead agency" in page.content.decode()


@pytest.mark.usefixtures("full_registry")
def test_a_curators_forms_and_options_describe_the_writes(curator_api):
    """The read serializer only describes the answers: forms and OPTIONS about a write (the
    browsable API's, with the method overridden) get the write serializer."""
    actions = curator_api.options("/api/v1/partnerships/filled/").json()["actions"]
    assert "workflow_status" in actions["PUT"] and "activity_status" in actions["PUT"]
    assert "sources" not in actions["PUT"]
    page = curator_api.get("/api/v1/partnerships/filled/", HTTP_ACCEPT="text/html")
    assert page.status_code == 200 and "activity_status" in page.content.decode()


def test_urls_outside_the_plain_slug_alphabet_fall_back_to_the_builder():
    build = slug_url_builder(lambda slug: f"https://x.example/a/{slug.replace(' ', '%20')}/?f=1")
    assert build("plain-slug_1") == "https://x.example/a/plain-slug_1/?f=1"
    assert build("two words") == "https://x.example/a/two%20words/?f=1"


@pytest.mark.usefixtures("full_registry")
def test_the_export_streams_a_chunk_at_a_time(api, monkeypatch):
    """Each chunk's relations are read when the chunk is written, so memory stays flat."""
    monkeypatch.setattr(PARTNERSHIP, "export_chunk_size", 2)

    def modality_queries(queries: CaptureQueriesContext) -> int:
        return sum("partnership_modalities" in q["sql"] for q in queries.captured_queries)

    with CaptureQueriesContext(connection) as queries:
        lines = iter(api.get("/api/v1/partnerships/export.csv").streaming_content)
        next(lines), next(lines), next(lines)  # the header and the first chunk's two rows
        assert modality_queries(queries) == 1
        rest = list(lines)
    assert len(rest) == 1 and modality_queries(queries) == 2  # three rows: chunks of 2 and 1


@pytest.mark.parametrize("resource", ["partnerships", "events", "publications"])
def test_export_query_count_is_constant(api, resource):
    from tests.factories import EventOrganiserFactory, ParticipationFactory, PublicationOrganisationFactory

    link = {
        "partnerships": ParticipationFactory,
        "events": EventOrganiserFactory,
        "publications": PublicationOrganisationFactory,
    }[resource]
    counts = []
    for batch in (5, 120):
        link.create_batch(batch)
        with CaptureQueriesContext(connection) as queries:
            _body(api.get(f"/api/v1/{resource}/export.csv"))
        counts.append(len(queries.captured_queries))
    assert counts[0] == counts[1] <= 12, counts


@pytest.mark.usefixtures("full_registry")
def test_a_page_sends_its_relation_queries_as_one_batch(api, monkeypatch):
    """Nine relation queries, one round trip; with server-side binding (no batches) each query
    runs on its own, with the same answer."""
    api.get("/api/v1/partnerships/filled/")  # each relation query's first run records its model
    with CaptureQueriesContext(connection) as batched:
        body = api.get("/api/v1/partnerships/filled/").content
    statements = [q["sql"] for q in batched.captured_queries]
    # The last write, the record, its relations; its similar records (none) are cached since the first.
    assert len(statements) == 3, statements
    batch = statements[-1]
    for table in (
        "partnerships_participation",
        "partnerships_partnership_modalities",
        "registry_sourcelink",
    ):
        assert batch.count(f'FROM "{table}"') == 1, table

    class NotThisCursor:
        pass

    monkeypatch.setattr(shapes.psycopg, "ClientCursor", NotThisCursor)
    with CaptureQueriesContext(connection) as separate:
        assert api.get("/api/v1/partnerships/filled/").content == body
    assert len(separate.captured_queries) == 2 + 9


@pytest.mark.usefixtures("seeded")
class TestSeedData:
    @pytest.mark.parametrize("resource", list(RESOURCES))
    def test_every_page_and_record_answers(self, api, resource):
        listed, page = [], 1
        while True:
            body = api.get(f"/api/v1/{resource}/", {"page": page, "page_size": 7}).json()
            listed += body["results"]
            if body["next"] is None:
                break
            page += 1
        assert len(listed) == RESOURCES[resource].objects.published().count() > 0
        for record in listed:
            detail = api.get(f"/api/v1/{resource}/{record['slug']}/").json()
            # A detail is its list entry, and (searchable types) its similar records.
            assert isinstance(detail.pop("similar", []), list)
            assert detail == record
        lines = _body(api.get(f"/api/v1/{resource}/export.csv")).decode("utf-8-sig").splitlines()
        assert len(lines) == 1 + len(listed)

    @pytest.mark.parametrize("params", [{"q": "WGEO"}, {"q": "green economy"}, {"q": "Kigli"}])
    def test_searches_answer_from_the_shape(self, api, params):
        body = api.get("/api/v1/partnerships/", params).json()
        assert body["results"] and body["search"]


@pytest.mark.usefixtures("full_registry")
def test_a_field_added_to_a_shape_reaches_every_output(api, monkeypatch, tmp_path):
    """One line in a shape, nothing else: the record's `version` (on the model, not yet public)
    appears in the JSON list and detail, the CSV export, the dump with its schema, and the OpenAPI
    schema with the model field's type."""
    from partnerships.api import PartnershipViewSet
    from registry.shapes import Scalar
    from sscregistry import dataset

    shape = PARTNERSHIP.extended(Scalar("version", dump_type="integer", description="Edits so far."))
    monkeypatch.setattr(PartnershipViewSet, "shape", shape)
    monkeypatch.setattr(dataset, "PARTNERSHIP", shape)
    version = Partnership.objects.get(slug="filled").version

    record = api.get("/api/v1/partnerships/filled/").json()
    assert list(record)[-5:] == ["sources", "version", "published_at", "updated_at", "similar"]
    assert record["version"] == version
    listed = api.get("/api/v1/partnerships/").json()["results"]
    assert next(r for r in listed if r["slug"] == "filled")["version"] == version
    lines = _body(api.get("/api/v1/partnerships/export.csv")).decode("utf-8-sig").splitlines()
    header = lines[0].split(",")
    assert header[-3:] == ["version", "updated_at", "web_url"]
    assert next(line for line in lines if line.startswith("filled,")).split(",")[-3] == str(version)

    with zipfile.ZipFile(export_dataset(tmp_path, site_url="https://registry.example.org")) as archive:
        table = archive.read("partnerships.csv").decode().splitlines()
        rows = [json.loads(line) for line in archive.read("partnerships.jsonl").decode().splitlines()]
        package = json.loads(archive.read("datapackage.json"))
    assert table[0].split(",")[-4:] == ["version", "url", "published_at", "updated_at"]
    assert next(row for row in rows if row["slug"] == "filled")["version"] == version
    described = next(r for r in package["resources"] if r["name"] == "partnerships")["schema"]["fields"]
    assert {"name": "version", "type": "integer", "description": "Edits so far."} in described

    component = _schema(api)["components"]["schemas"]["Partnership"]
    assert list(component["properties"])[-4:] == ["sources", "version", "published_at", "updated_at"]
    assert component["properties"]["version"]["type"] == "integer"  # the model field's type
    assert "version" in component["required"]


def _schema(api: Any) -> dict[str, Any]:
    return json.loads(_body(api.get("/api/v1/schema/", {"format": "json"})))


def _objects(schema: Any) -> Iterator[Object]:
    """The Objects of a type, and of the types inside it."""
    if isinstance(schema, Object):
        yield schema
        for _, item in schema.properties:
            yield from _objects(item)
    elif isinstance(schema, ListOf):
        yield from _objects(schema.item)


def test_the_schema_components_come_from_the_shapes(api):
    """Each record's component lists its shape's JSON keys, in order, all required (every answer
    has every key), and each object of the shape's types is a component with its keys."""
    components = _schema(api)["components"]["schemas"]
    for resource in RESOURCES:
        shape = viewset_of(resource).shape
        component = components[shape.model.__name__]
        keys = [name for name, _ in shape.json_schema()]
        assert list(component["properties"]) == keys, resource
        assert component["required"] == sorted(keys), resource
        for _, schema in shape.json_schema():
            for found in _objects(schema):
                assert list(components[found.name]["properties"]) == list(found.keys), found.name
                assert components[found.name]["required"] == sorted(found.keys), found.name
        lists = components[f"Paginated{shape.model.__name__}List"]["properties"]["results"]
        assert lists["items"] == {"$ref": f"#/components/schemas/{shape.model.__name__}"}


@pytest.mark.usefixtures("full_registry")
@pytest.mark.parametrize("resource", list(RESOURCES))
def test_every_answer_has_the_keys_its_component_lists(api, resource):
    """The schema and the answers come from one shape: same keys, same order, records and objects
    alike (a record whose every field is filled shows every object)."""
    components = _schema(api)["components"]["schemas"]
    shape = viewset_of(resource).shape
    expected = list(components[shape.model.__name__]["properties"])
    for record in api.get(f"/api/v1/{resource}/", {"page_size": 100}).json()["results"]:
        assert list(record) == expected, record["slug"]
        for name, schema in shape.json_schema():
            value = record[name]
            entries = value if isinstance(schema, ListOf) else [value]
            item = schema.item if isinstance(schema, ListOf) else schema
            if isinstance(item, Object):
                for entry in entries:
                    assert entry is None or list(entry) == list(item.keys), (record["slug"], name)


def test_a_field_without_a_type_is_refused():
    from registry.shapes import Field, RecordShape

    with pytest.raises(ValueError, match="no type for the schema"):
        RecordShape(
            Partnership,
            api_view="partnership-detail",
            fields=[Field("title", columns=("title",), json=lambda row, _e, _c: row["title"])],
        )
