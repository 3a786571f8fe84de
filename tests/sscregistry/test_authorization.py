"""The authorisation matrix: every URL family x method x role answers as designed, and the
workflow's fields cannot be written by anyone without the permission, through any path.

Roles are the four of docs/curation.md: anonymous, contributor, curator, superuser. Each table
row names a request and the status code expected for each role, in that order; rows that change
data also say what the record must look like afterwards, because the admin answers a refused
transition with a redirect and a message rather than a 403.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from events.models import Event
from partnerships.models import Participation, Partner, Partnership, Person
from registry.workflow import Status
from reports.models import Publication
from tests.factories import (
    EventFactory,
    PartnerFactory,
    PartnershipFactory,
    PersonFactory,
    PublicationFactory,
)

pytestmark = pytest.mark.django_db

ROLES = ("anonymous", "contributor", "curator", "superuser")
LOGIN = "login"  # anonymous admin requests are redirected to the login page

# model, factory, API resource, the smallest valid API body for a new record.
KINDS = {
    "partner": (Partner, PartnerFactory, "partners", {"name": "Matrix partner"}),
    "person": (Person, PersonFactory, "people", {"name": "Matrix person"}),
    "partnership": (Partnership, PartnershipFactory, "partnerships", {"title": "Matrix partnership"}),
    "event": (
        Event,
        EventFactory,
        "events",
        {
            "title": "Matrix event",
            "event_type": "meeting",
            "timezone": "UTC",
            "start": "2031-01-01T09:00:00Z",
            "end": "2031-01-01T12:00:00Z",
        },
    ),
    "publication": (
        Publication,
        PublicationFactory,
        "publications",
        {"title": "Matrix publication", "publication_type": "report", "publication_date": "2021-01-01"},
    ),
}
IMPORTABLE = {"partner", "partnership", "event", "publication"}


@dataclass
class World:
    users: dict[str, Any]
    published: dict[str, Any]
    draft: dict[str, Any]


@pytest.fixture
def world(contributor, curator, superuser) -> World:
    published = {kind: factory() for kind, (_, factory, _, _) in KINDS.items()}
    draft = {kind: factory(draft=True) for kind, (_, factory, _, _) in KINDS.items()}
    # Enough for the IATI files to have something to report (an identifier, a published partner).
    published["partner"].identifier = "XM-DAC-41114"
    published["partner"].save()
    published["partnership"].summary = "A partnership the IATI file can report."
    published["partnership"].save()
    Participation.objects.create(
        partnership=published["partnership"], partner=published["partner"], role_id="4"
    )
    return World(
        users={"anonymous": None, "contributor": contributor, "curator": curator, "superuser": superuser},
        published=published,
        draft=draft,
    )


def site_client(user: Any) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def api_client(user: Any) -> APIClient:
    client = APIClient()
    if user is not None:
        token, _ = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def admin_url(record_or_model: Any, view: str, *args: Any) -> str:
    opts = record_or_model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def answered(response: Any, expected: int | str) -> bool:
    if expected == LOGIN:
        return response.status_code == 302 and reverse("admin:login") in response["Location"]
    return response.status_code == expected


# The admin: (name, method, URL builder(world, kind), expected per role). Contributors have the view
# permission on every record, so they see pages they may not change, read-only.
ADMIN_PAGES: list[tuple[str, str, Callable[[World, str], str], tuple]] = [
    ("changelist", "get", lambda w, k: admin_url(w.draft[k], "changelist"), (LOGIN, 200, 200, 200)),
    ("add form", "get", lambda w, k: admin_url(w.draft[k], "add"), (LOGIN, 200, 200, 200)),
    (
        "change form, draft",
        "get",
        lambda w, k: admin_url(w.draft[k], "change", w.draft[k].pk),
        (LOGIN, 200, 200, 200),
    ),
    (
        "change form, published",
        "get",
        lambda w, k: admin_url(w.published[k], "change", w.published[k].pk),
        (LOGIN, 200, 200, 200),
    ),
    (
        "delete page, draft",
        "get",
        lambda w, k: admin_url(w.draft[k], "delete", w.draft[k].pk),
        (LOGIN, 403, 200, 200),
    ),
    (
        "delete page, published",
        "get",
        lambda w, k: admin_url(w.published[k], "delete", w.published[k].pk),
        (LOGIN, 403, 200, 200),
    ),
    (
        "history",
        "get",
        lambda w, k: admin_url(w.published[k], "history", w.published[k].pk),
        (LOGIN, 200, 200, 200),
    ),
    (
        "publish confirmation",
        "get",
        lambda w, k: admin_url(w.draft[k], "transition", w.draft[k].pk, "publish"),
        (LOGIN, 302, 200, 200),  # contributors are sent back to the record with a message
    ),
    (
        "submit confirmation",
        "get",
        lambda w, k: admin_url(w.draft[k], "transition", w.draft[k].pk, "submit"),
        (LOGIN, 200, 200, 200),
    ),
]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name,method,build,expected", ADMIN_PAGES, ids=[row[0] for row in ADMIN_PAGES])
def test_admin_record_pages(world, kind, name, method, build, expected):
    url = build(world, kind)
    for role, want in zip(ROLES, expected, strict=True):
        response = getattr(site_client(world.users[role]), method)(url)
        assert answered(response, want), (
            f"{role} {method.upper()} {url}: {response.status_code}, wanted {want}"
        )


SITE_ADMIN_PAGES = [
    ("admin index", lambda: reverse("admin:index"), (LOGIN, 200, 200, 200)),
    ("review queue", lambda: reverse("admin:review_queue"), (LOGIN, 200, 200, 200)),
    # Proposals carry the submitter's name and e-mail: curators only.
    ("proposals", lambda: reverse("admin:curation_submission_changelist"), (LOGIN, 403, 200, 200)),
    ("users", lambda: reverse("admin:auth_user_changelist"), (LOGIN, 403, 403, 200)),
    ("groups", lambda: reverse("admin:auth_group_changelist"), (LOGIN, 403, 403, 200)),
    ("API tokens", lambda: reverse("admin:authtoken_tokenproxy_changelist"), (LOGIN, 403, 403, 200)),
]


@pytest.mark.parametrize("name,build,expected", SITE_ADMIN_PAGES, ids=[row[0] for row in SITE_ADMIN_PAGES])
def test_admin_site_pages(world, name, build, expected):
    url = build()
    for role, want in zip(ROLES, expected, strict=True):
        response = site_client(world.users[role]).get(url)
        assert answered(response, want), f"{role} GET {url}: {response.status_code}, wanted {want}"


@pytest.mark.parametrize("kind", sorted(IMPORTABLE))
def test_admin_import_and_export_pages(world, kind):
    model = KINDS[kind][0]
    # Import needs the add permission (contributors import drafts); export needs the view permission.
    for view in ("import", "export"):
        for role, want in zip(ROLES, (LOGIN, 200, 200, 200), strict=True):
            response = site_client(world.users[role]).get(admin_url(model, view))
            assert answered(response, want), f"{role} {view} {kind}: {response.status_code}"


# Admin writes: (transition, start state, who may). A refused transition leaves the record alone.
ADMIN_TRANSITIONS = [
    ("submit", "draft", {"contributor", "curator", "superuser"}, Status.IN_REVIEW),
    ("publish", "draft", {"curator", "superuser"}, Status.PUBLISHED),
    ("unpublish", "published", {"curator", "superuser"}, Status.DRAFT),
    ("archive", "published", {"curator", "superuser"}, Status.ARCHIVED),
]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(
    "transition,start,allowed,target", ADMIN_TRANSITIONS, ids=[t[0] for t in ADMIN_TRANSITIONS]
)
def test_admin_workflow_buttons_obey_the_roles(world, kind, transition, start, allowed, target):
    factory = KINDS[kind][1]
    for role in ROLES:
        record = factory(draft=True) if start == "draft" else factory()
        before = record.status
        url = admin_url(record, "transition", record.pk, transition)
        response = site_client(world.users[role]).post(url, {"reason": "Checked by the matrix test."})
        record.refresh_from_db()
        if role == "anonymous":
            assert answered(response, LOGIN)
        else:
            assert response.status_code == 302, f"{role} {transition} {kind}: {response.status_code}"
        assert record.status == (target if role in allowed else before), f"{role} {transition} {kind}"


@pytest.mark.parametrize("kind", KINDS)
def test_admin_bulk_publish_action_obeys_the_roles(world, kind):
    factory = KINDS[kind][1]
    for role in ROLES:
        record = factory(draft=True)
        site_client(world.users[role]).post(
            admin_url(record, "changelist"), {"action": "publish_selected", "_selected_action": [record.pk]}
        )
        record.refresh_from_db()
        wanted = Status.PUBLISHED if role in ("curator", "superuser") else Status.DRAFT
        assert record.status == wanted, f"{role} bulk-published a {kind}"


@pytest.mark.parametrize("kind", KINDS)
def test_admin_delete_obeys_the_roles(world, kind):
    factory = KINDS[kind][1]
    for role in ROLES:
        record = factory(draft=True)
        site_client(world.users[role]).post(admin_url(record, "delete", record.pk), {"post": "yes"})
        gone = not type(record).objects.filter(pk=record.pk).exists()
        assert gone == (role in ("curator", "superuser")), f"{role} deleting a draft {kind}"


# The API: (name, method, path builder, body, expected per role). Reads never show a draft, not even
# to curators (drafts are for the admin); writes need a token and the model's permissions, and
# contributors may change drafts only.
API_CALLS: list[tuple[str, str, Callable[[World, str], str], Any, tuple]] = [
    ("list", "get", lambda w, k: f"/api/v1/{KINDS[k][2]}/", None, (200, 200, 200, 200)),
    ("facets", "get", lambda w, k: f"/api/v1/{KINDS[k][2]}/facets/", None, (200, 200, 200, 200)),
    ("export", "get", lambda w, k: f"/api/v1/{KINDS[k][2]}/export.csv", None, (200, 200, 200, 200)),
    (
        "detail, published",
        "get",
        lambda w, k: f"/api/v1/{KINDS[k][2]}/{w.published[k].slug}/",
        None,
        (200, 200, 200, 200),
    ),
    (
        "detail, draft",
        "get",
        lambda w, k: f"/api/v1/{KINDS[k][2]}/{w.draft[k].slug}/",
        None,
        (404, 404, 404, 404),
    ),
    ("create", "post", lambda w, k: f"/api/v1/{KINDS[k][2]}/", "new", (401, 201, 201, 201)),
    (
        "patch, draft",
        "patch",
        lambda w, k: f"/api/v1/{KINDS[k][2]}/{w.draft[k].slug}/",
        {},
        (401, 200, 200, 200),
    ),
    (
        "patch, published",
        "patch",
        lambda w, k: f"/api/v1/{KINDS[k][2]}/{w.published[k].slug}/",
        {},
        (401, 403, 200, 200),
    ),
    (
        "put, published",
        "put",
        lambda w, k: f"/api/v1/{KINDS[k][2]}/{w.published[k].slug}/",
        "new",
        (401, 403, 200, 200),
    ),
    (
        "submit, draft",
        "post",
        lambda w, k: f"/api/v1/{KINDS[k][2]}/{w.draft[k].slug}/submit/",
        {},
        (401, 200, 200, 200),
    ),
    (
        "publish, draft",
        "post",
        lambda w, k: f"/api/v1/{KINDS[k][2]}/{w.draft[k].slug}/publish/",
        {},
        (401, 403, 200, 200),
    ),
    (
        "unpublish, published",
        "post",
        lambda w, k: f"/api/v1/{KINDS[k][2]}/{w.published[k].slug}/unpublish/",
        {},
        (401, 403, 200, 200),
    ),
    (
        "archive, published",
        "post",
        lambda w, k: f"/api/v1/{KINDS[k][2]}/{w.published[k].slug}/archive/",
        {},
        (401, 403, 200, 200),
    ),
    (
        "delete, draft",
        "delete",
        lambda w, k: f"/api/v1/{KINDS[k][2]}/{w.draft[k].slug}/",
        None,
        (401, 403, 204, 204),
    ),
]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name,method,build,body,expected", API_CALLS, ids=[row[0] for row in API_CALLS])
def test_api(world, kind, name, method, build, body, expected):
    for role, want in zip(ROLES, expected, strict=True):
        # A fresh world per role, so that one role's write does not change the next one's answer.
        if method != "get":
            world.published[kind] = KINDS[kind][1]()
            world.draft[kind] = KINDS[kind][1](draft=True)
        url = build(world, kind)
        data = KINDS[kind][3] if body == "new" else body
        response = getattr(api_client(world.users[role]), method)(url, data, format="json")
        assert response.status_code == want, (
            f"{role} {method.upper()} {url}: {response.status_code} {response.content[:300]!r}"
        )


@pytest.mark.parametrize("kind", KINDS)
def test_api_refused_writes_change_nothing(world, kind):
    """A contributor's PATCH of a published record and publish of a draft leave both as they were."""
    model, factory, resource, _ = KINDS[kind]
    published, draft = factory(), factory(draft=True)
    client = api_client(world.users["contributor"])
    field = "name" if kind in ("partner", "person") else "title"
    client.patch(f"/api/v1/{resource}/{published.slug}/", {field: "Defaced"}, format="json")
    client.post(f"/api/v1/{resource}/{draft.slug}/publish/", {}, format="json")
    client.delete(f"/api/v1/{resource}/{draft.slug}/")
    published.refresh_from_db()
    draft.refresh_from_db()
    assert getattr(published, field) != "Defaced"
    assert draft.status == Status.DRAFT


# Public pages, feeds, calendars, exports and data: the same answer for every role, and a draft is a
# 404 even for a curator (the site only ever shows published records).


def public_urls(world: World) -> list[tuple[str, int]]:
    p, d = world.published, world.draft
    urls = [
        (reverse("home"), 200),
        (reverse("healthz"), 200),
        (reverse("robots-txt"), 200),
        (reverse("sitemap"), 200),
        (reverse("events-ics"), 200),
        (reverse("open-data"), 200),
        (reverse("iati-activities"), 200),
        (reverse("iati-organisations"), 200),
        (reverse("api-schema"), 200),
        ("/api/v1/", 200),
        (reverse("curation:propose"), 200),
        (reverse("curation:propose-partnership"), 200),
        (reverse("curation:propose-event"), 200),
        (reverse("partnerships:partnership-list"), 200),
        (reverse("partnerships:partner-list"), 200),
        (reverse("events:event-list"), 200),
        (reverse("reports:publication-list"), 200),
        (reverse("partnerships:partnership-feed"), 200),
        (reverse("partnerships:partnership-feed-rss"), 200),
        (reverse("events:event-feed"), 200),
        (reverse("events:event-feed-rss"), 200),
        (reverse("reports:publication-feed"), 200),
        (reverse("reports:publication-feed-rss"), 200),
        (reverse("partner-events-ics", args=[p["partner"].slug]), 200),
        (reverse("partner-events-ics", args=[d["partner"].slug]), 404),
        (reverse("events:event-ics", args=[p["event"].slug]), 200),
        (reverse("events:event-ics", args=[d["event"].slug]), 404),
        (reverse("data-file", args=["no-such-file.zip"]), 404),
    ]
    for kind, route in [
        ("partnership", "partnerships:partnership-detail"),
        ("partner", "partnerships:partner-detail"),
        ("event", "events:event-detail"),
        ("publication", "reports:publication-detail"),
    ]:
        urls += [(reverse(route, args=[p[kind].slug]), 200), (reverse(route, args=[d[kind].slug]), 404)]
    return urls


def test_public_surfaces_answer_everyone_alike_and_hide_drafts(world):
    for role in ROLES:
        client = site_client(world.users[role])
        for url, want in public_urls(world):
            response = client.get(url)
            assert response.status_code == want, f"{role} GET {url}: {response.status_code}, wanted {want}"


def test_public_pages_refuse_writes(world):
    """Read-only surfaces answer 405 to POST, PUT and DELETE, whoever asks."""
    read_only = [url for url, want in public_urls(world) if want == 200 and "propose" not in url]
    read_only = [url for url in read_only if not url.startswith("/api/v1/") or url.endswith((".xml",))]
    for role in ("anonymous", "curator"):
        client = site_client(world.users[role])
        for url in read_only:
            for method in ("post", "put", "delete"):
                response = getattr(client, method)(url)
                assert response.status_code == 405, f"{role} {method.upper()} {url}: {response.status_code}"


# Protected fields: status, published_at, created_by/updated_by and version, through every path.

PROTECTED_VALUES = {
    "status": Status.PUBLISHED,
    "published_at": "2001-01-01T00:00:00Z",
    "submitted_at": "2001-01-01T00:00:00Z",
    "last_reviewed_at": "2001-01-01T00:00:00Z",
    "review_note": "forged",
    "version": 999,
}


def assert_workflow_fields_untouched(record: Any, author: Any) -> None:
    record.refresh_from_db()
    assert record.status == Status.DRAFT
    assert record.published_at is None and record.submitted_at is None and record.last_reviewed_at is None
    assert record.review_note == ""
    assert record.version < 999
    assert record.created_by_id in (None, author.pk)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("role", ["contributor", "curator"])
def test_api_writes_ignore_protected_fields(world, kind, role):
    model, factory, resource, new = KINDS[kind]
    user, other = world.users[role], world.users["superuser"]
    forged = PROTECTED_VALUES | {"created_by": other.pk, "updated_by": other.pk}
    client = api_client(user)

    created = client.post(f"/api/v1/{resource}/", new | forged, format="json")
    assert created.status_code == 201, created.content
    record = model.objects.get(slug=created.json()["slug"])
    assert_workflow_fields_untouched(record, user)
    assert record.created_by == user and record.updated_by == user

    draft = factory(draft=True, created_by=user)
    for method, body in (("patch", forged), ("put", new | forged)):
        response = getattr(client, method)(f"/api/v1/{resource}/{draft.slug}/", body, format="json")
        assert response.status_code == 200, response.content
        assert_workflow_fields_untouched(draft, user)
        assert draft.updated_by == user


def admin_form_data(client: Client, url: str) -> dict[str, Any]:
    """The admin change form's current values, as the browser would post them back."""
    response = client.get(url)
    assert response.status_code == 200
    data: dict[str, Any] = {}
    all_forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        data |= {management.add_prefix(name): value for name, value in management.initial.items()}
        all_forms += list(formset.forms)
    for form in all_forms:
        for name, field in form.fields.items():
            value = form.initial.get(name, field.initial)
            value = value() if callable(value) else value  # a model default such as dict
            value = field.prepare_value(value) if value is not None else ""
            if isinstance(field.widget, forms.SplitDateTimeWidget):
                # The admin's date and time boxes post as name_0 and name_1.
                if value:
                    data[form.add_prefix(name) + "_0"] = value.date().isoformat()
                    data[form.add_prefix(name) + "_1"] = value.time().isoformat()
                continue
            if isinstance(value, list | tuple):
                key = form.add_prefix(name)
                data[key] = [v.pk if hasattr(v, "pk") else v for v in value]
                continue
            data[form.add_prefix(name)] = "" if value is None else value
    return {key: value for key, value in data.items() if value is not False}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("role", ["contributor", "curator"])
def test_admin_form_ignores_protected_fields(world, kind, role):
    factory = KINDS[kind][1]
    user, other = world.users[role], world.users["superuser"]
    draft = factory(draft=True, created_by=user)
    client = site_client(user)
    url = admin_url(draft, "change", draft.pk)
    data = admin_form_data(client, url)
    forged = PROTECTED_VALUES | {"created_by": other.pk, "updated_by": other.pk, "published_at": "2001-01-01"}
    response = client.post(url, data | forged)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    assert_workflow_fields_untouched(draft, user)
    assert draft.updated_by == user

    response = client.post(admin_url(draft, "add"), data | forged | {"slug": ""})
    new = type(draft).objects.exclude(pk=draft.pk).order_by("-pk").first()
    if new is not None and new.created_at >= draft.created_at:
        assert_workflow_fields_untouched(new, user)
        assert new.created_by == user


@pytest.mark.parametrize("role", ["contributor", "curator"])
def test_admin_import_ignores_protected_fields(world, role):
    user, other = world.users[role], world.users["superuser"]
    csv = (
        "slug,name,status,published_at,created_by,updated_by,version,last_reviewed_at\n"
        f"imported-partner,Imported partner,draft,2001-01-01,{other.pk},{other.pk},999,2001-01-01\n"
    )
    client = site_client(user)
    upload = SimpleUploadedFile("partners.csv", csv.encode(), content_type="text/csv")
    preview = client.post(
        reverse("admin:partnerships_partner_import"), {"resource": "0", "format": "0", "import_file": upload}
    )
    confirm = preview.context["confirm_form"]
    data = {name: confirm.initial.get(name, field.initial) for name, field in confirm.fields.items()}
    client.post(reverse("admin:partnerships_partner_process_import"), data)
    partner = Partner.objects.get(slug="imported-partner")
    assert_workflow_fields_untouched(partner, user)
    assert partner.created_by == user


def test_contributor_import_cannot_publish_or_change_published_records(world):
    published = PartnerFactory(slug="already-public", name="Already public")
    csv = (
        "slug,name,status\n"
        "contributed,Contributed partner,published\n"
        "already-public,Defaced by import,published\n"
    )
    client = site_client(world.users["contributor"])
    upload = SimpleUploadedFile("partners.csv", csv.encode(), content_type="text/csv")
    preview = client.post(
        reverse("admin:partnerships_partner_import"), {"resource": "0", "format": "0", "import_file": upload}
    )
    assert "confirm_form" not in preview.context  # the published row is refused, so nothing is offered
    published.refresh_from_db()
    assert published.name == "Already public"
    assert not Partner.objects.filter(slug="contributed").exists()


def test_public_proposals_arrive_in_review_whatever_they_post(world):
    response = Client().post(
        reverse("curation:propose-partnership"),
        {
            "title": "Proposed with forged fields",
            "description": "Engineers exchange designs for solar irrigation pumps.",
            "new_partners": "Forged Cooperative",
            "start_date": "2024-03-01",
            "source_url": "https://example.org/solar-pumps",
            "submitter_name": "A visitor",
            "submitter_email": "visitor@example.org",
            "homepage": "",
            "status": Status.PUBLISHED,
            "published_at": datetime.datetime(2001, 1, 1).isoformat(),
            "created_by": world.users["superuser"].pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    partnership = Partnership.objects.get(title="Proposed with forged fields")
    assert partnership.status == Status.IN_REVIEW and partnership.published_at is None
    assert partnership.created_by is None
    assert not Partner.objects.filter(name="Forged Cooperative").exclude(status=Status.DRAFT).exists()


def test_reads_need_no_model_permission_and_do_not_build_the_queryset(rf):
    """The API's permission answers reads at once (the queryset decides what they see), and leaves
    writes to the model permissions."""
    from django.contrib.auth.models import AnonymousUser
    from rest_framework.request import Request

    from registry.permissions import ReadOrModelPermissions

    class NoQuerysetView:
        def get_queryset(self):
            raise AssertionError("a read built the queryset")

    permission = ReadOrModelPermissions()
    for method in ("get", "head", "options"):
        request = Request(getattr(rf, method)("/api/v1/partnerships/"))
        request.user = AnonymousUser()
        assert permission.has_permission(request, NoQuerysetView())
    write = Request(rf.post("/api/v1/partnerships/"))
    write.user = AnonymousUser()
    with pytest.raises(AssertionError, match="built the queryset"):
        permission.has_permission(write, NoQuerysetView())
