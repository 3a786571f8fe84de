"""The bulk dump: every published record as CSV and JSON Lines, zipped with a Frictionless datapackage.json.

Rows are read in chunks (`QuerySet.iterator`) and written as they come, to temporary files beside
the dump, so memory stays flat however large the registry grows. The zip only appears under its
final name once complete, so the /data/ page never offers half a file.
"""

from __future__ import annotations

import csv
import datetime
import json
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from events.models import Event, EventOrganiser
from partnerships.models import Participation, Partner, PartnerName, Partnership, Person
from registry.spreadsheets import safe_cell
from registry.workflow import Status
from reports.models import Authorship, LanguageVersion, Publication, PublicationOrganisation

CHUNK_SIZE = 500
DUMP_PREFIX = "ssc-registry-data-"
DUMP_NAME = re.compile(r"^ssc-registry-data-\d{8}T\d{6}Z\.zip$")
LIST_SEPARATOR = "; "
CSV_FORMULA_NOTE = (
    "Text starting with =, +, -, @, a tab or a carriage return (or a full-width =, +, - or @) is "
    "written with a leading apostrophe, so that spreadsheets show it rather than run it as a "
    "formula; the JSON Lines file holds the text as it is."
)


@dataclass(frozen=True)
class Column:
    """One field of a resource: its name, Frictionless type, meaning, and how to read it from a row."""

    name: str
    type: str
    description: str
    get: Callable[[Any], Any]
    many: bool = False  # a list: an array in JSON Lines, values joined by "; " in CSV
    item_type: str = "string"


@dataclass(frozen=True)
class Resource:
    name: str
    title: str
    rows: Callable[[], QuerySet]
    columns: list[Column]
    foreign_keys: list[dict[str, Any]] = field(default_factory=list)


def _published(obj: Any) -> Any:
    """A related record only if it is published: a draft is never named in the dump."""
    return obj if obj is not None and obj.status == Status.PUBLISHED else None


def _id(obj: Any) -> int | None:
    return obj.pk if obj is not None else None


def _iso(value: datetime.date | datetime.datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")
    return value.isoformat()


def _codes(manager: Any, attribute: str = "pk") -> list[Any]:
    return [getattr(item, attribute) for item in manager.all()]


def _record_columns(site_url: str) -> list[Column]:
    return [
        Column(
            "url", "string", "The record's page in the registry.", lambda r: site_url + r.get_absolute_url()
        ),
        Column(
            "published_at",
            "datetime",
            "When the record was first published (UTC).",
            lambda r: _iso(r.published_at),
        ),
        Column("updated_at", "datetime", "When the record last changed (UTC).", lambda r: _iso(r.updated_at)),
    ]


def _fk(column: str, resource: str) -> dict[str, Any]:
    return {"fields": column, "reference": {"resource": resource, "fields": "id"}}


def resources(site_url: str) -> list[Resource]:
    """What the dump contains: the five kinds of record and the links between them."""
    published = Status.PUBLISHED
    record = _record_columns(site_url)
    partners = Resource(
        "partners",
        "Partners: organisations taking part in South-South and triangular cooperation",
        lambda: (
            Partner.objects.published()
            .select_related("parent")
            .prefetch_related(Prefetch("alternative_names", queryset=PartnerName.objects.order_by("name")))
            .order_by("id")
        ),
        [
            Column("id", "integer", "The registry's id for the partner.", lambda p: p.pk),
            Column("slug", "string", "The partner's name in its page address.", lambda p: p.slug),
            Column("name", "string", "Name in English.", lambda p: p.name),
            Column("acronym", "string", "", lambda p: p.acronym),
            Column(
                "identifier",
                "string",
                "Organisation identifier (org-id.guide), e.g. XM-DAC-41301.",
                lambda p: p.identifier,
            ),
            Column(
                "organisation_type", "string", "IATI OrganisationType code.", lambda p: p.organisation_type_id
            ),
            Column("country", "string", "Headquarters country, ISO 3166-1 alpha-2.", lambda p: p.country_id),
            Column(
                "parent_id",
                "integer",
                "The partner this one belongs to or is hosted by.",
                lambda p: _id(_published(p.parent)),
            ),
            Column("website", "string", "", lambda p: p.website),
            Column("description", "string", "", lambda p: p.description),
            Column(
                "alternative_names",
                "array",
                "Other names: translations, former and variant names.",
                lambda p: _codes(p.alternative_names, "name"),
                many=True,
            ),
            *record,
        ],
        [_fk("parent_id", "partners")],
    )
    people = Resource(
        "people",
        "People named in the registry (public roles only)",
        lambda: Person.objects.published().select_related("affiliation").order_by("id"),
        [
            Column("id", "integer", "The registry's id for the person.", lambda p: p.pk),
            Column("name", "string", "", lambda p: p.name),
            Column("position", "string", "Public title.", lambda p: p.position),
            Column(
                "affiliation_id",
                "integer",
                "The partner the person works for.",
                lambda p: _id(_published(p.affiliation)),
            ),
            Column(
                "published_at",
                "datetime",
                "When the record was first published (UTC).",
                lambda p: _iso(p.published_at),
            ),
            Column(
                "updated_at", "datetime", "When the record last changed (UTC).", lambda p: _iso(p.updated_at)
            ),
        ],
        [_fk("affiliation_id", "partners")],
    )
    partnerships = Resource(
        "partnerships",
        "Partnerships: cooperation between partners",
        lambda: (
            Partnership.objects.published()
            .prefetch_related(
                "modalities", "platforms", "sdgs", "sdg_targets", "countries", "regions", "themes"
            )
            .order_by("id")
        ),
        [
            Column("id", "integer", "The registry's id for the partnership.", lambda p: p.pk),
            Column("slug", "string", "", lambda p: p.slug),
            Column("title", "string", "", lambda p: p.title),
            Column("summary", "string", "", lambda p: p.summary),
            Column("objective", "string", "", lambda p: p.objective),
            Column("description", "string", "", lambda p: p.description),
            Column(
                "modalities",
                "array",
                "south_south, triangular, north_south, ...",
                lambda p: _codes(p.modalities),
                many=True,
            ),
            Column("activity_status", "string", "IATI ActivityStatus code.", lambda p: p.activity_status_id),
            Column(
                "start_date",
                "date",
                "First day of the start date's period (see start_date_precision).",
                lambda p: _iso(p.start_date),
            ),
            Column("start_date_precision", "string", "day, month or year.", lambda p: p.start_date_precision),
            Column("end_date", "date", "", lambda p: _iso(p.end_date)),
            Column("end_date_precision", "string", "day, month or year.", lambda p: p.end_date_precision),
            Column("platforms", "array", "Platform slugs.", lambda p: _codes(p.platforms, "slug"), many=True),
            Column(
                "sdgs",
                "array",
                "SDG numbers, 1 to 17.",
                lambda p: _codes(p.sdgs),
                many=True,
                item_type="integer",
            ),
            Column(
                "sdg_targets",
                "array",
                "SDG target codes such as 17.6.",
                lambda p: _codes(p.sdg_targets),
                many=True,
            ),
            Column(
                "countries", "array", "ISO 3166-1 alpha-2 codes.", lambda p: _codes(p.countries), many=True
            ),
            Column("regions", "array", "UN M49 region codes.", lambda p: _codes(p.regions), many=True),
            Column("themes", "array", "Theme slugs.", lambda p: _codes(p.themes, "slug"), many=True),
            *record,
        ],
    )
    participations = Resource(
        "participations",
        "Partners' parts in partnerships",
        lambda: Participation.objects.filter(
            partnership__status=published, partner__status=published
        ).order_by("id"),
        [
            Column("partnership_id", "integer", "", lambda p: p.partnership_id),
            Column("partner_id", "integer", "", lambda p: p.partner_id),
            Column("role", "string", "IATI OrganisationRole code.", lambda p: p.role_id),
            Column(
                "triangular_role",
                "string",
                "beneficiary, pivotal or facilitating (OECD).",
                lambda p: p.triangular_role,
            ),
            Column("description", "string", "", lambda p: p.description),
        ],
        [_fk("partnership_id", "partnerships"), _fk("partner_id", "partners")],
    )
    events = Resource(
        "events",
        "Events: conferences, side events, observances, launches, meetings",
        lambda: Event.objects.published().select_related("parent").prefetch_related("themes").order_by("id"),
        [
            Column("id", "integer", "The registry's id for the event.", lambda e: e.pk),
            Column("slug", "string", "", lambda e: e.slug),
            Column("title", "string", "", lambda e: e.title),
            Column("short_title", "string", "", lambda e: e.short_title),
            Column("event_type", "string", "", lambda e: e.event_type),
            Column("start", "datetime", "Start (UTC).", lambda e: _iso(e.start)),
            Column("end", "datetime", "End (UTC).", lambda e: _iso(e.end)),
            Column(
                "timezone", "string", "The IANA time zone the event was announced in.", lambda e: e.timezone
            ),
            Column("all_day", "boolean", "The source gives dates without times.", lambda e: e.all_day),
            Column("date_precision", "string", "day, month or year.", lambda e: e.date_precision),
            Column("venue", "string", "", lambda e: e.venue),
            Column("city", "string", "", lambda e: e.city),
            Column("country", "string", "ISO 3166-1 alpha-2.", lambda e: e.country_id),
            Column("attendance_mode", "string", "in_person, online or hybrid.", lambda e: e.attendance_mode),
            Column(
                "event_status",
                "string",
                "scheduled, cancelled, postponed, rescheduled or moved_online.",
                lambda e: e.event_status,
            ),
            Column(
                "parent_id",
                "integer",
                "The event this one takes place within.",
                lambda e: _id(_published(e.parent)),
            ),
            Column("theme", "string", "", lambda e: e.theme),
            Column("description", "string", "", lambda e: e.description),
            Column(
                "document_symbols",
                "array",
                "UN document symbols.",
                lambda e: list(e.document_symbols),
                many=True,
            ),
            Column("themes", "array", "Theme slugs.", lambda e: _codes(e.themes, "slug"), many=True),
            *record,
        ],
        [_fk("parent_id", "events")],
    )
    event_organisers = Resource(
        "event_organisers",
        "Partners' parts in organising events",
        lambda: EventOrganiser.objects.filter(event__status=published, partner__status=published).order_by(
            "id"
        ),
        [
            Column("event_id", "integer", "", lambda o: o.event_id),
            Column("partner_id", "integer", "", lambda o: o.partner_id),
            Column("role", "string", "organiser, co_organiser, host, partner or sponsor.", lambda o: o.role),
        ],
        [_fk("event_id", "events"), _fk("partner_id", "partners")],
    )
    publications = Resource(
        "publications",
        "Publications: reports, strategies, news, policy briefs",
        lambda: (
            Publication.objects.published()
            .select_related("series", "launched_at")
            .prefetch_related("sdgs", "regions", "themes")
            .order_by("id")
        ),
        [
            Column("id", "integer", "The registry's id for the publication.", lambda p: p.pk),
            Column("slug", "string", "", lambda p: p.slug),
            Column("title", "string", "Title in the original language.", lambda p: p.title),
            Column("publication_type", "string", "", lambda p: p.publication_type),
            Column(
                "document_category", "string", "IATI DocumentCategory code.", lambda p: p.document_category_id
            ),
            Column(
                "publication_date",
                "date",
                "First day of the date's period (see precision).",
                lambda p: _iso(p.publication_date),
            ),
            Column(
                "publication_date_precision",
                "string",
                "day, month or year.",
                lambda p: p.publication_date_precision,
            ),
            Column("series", "string", "", lambda p: p.series.name if p.series else None),
            Column("document_symbol", "string", "UN document symbol.", lambda p: p.document_symbol),
            Column(
                "launched_at_event_id",
                "integer",
                "The event where it was launched or adopted.",
                lambda p: _id(_published(p.launched_at)),
            ),
            Column("summary", "string", "", lambda p: p.summary),
            Column("sdgs", "array", "SDG numbers.", lambda p: _codes(p.sdgs), many=True, item_type="integer"),
            Column("regions", "array", "UN M49 region codes.", lambda p: _codes(p.regions), many=True),
            Column("themes", "array", "Theme slugs.", lambda p: _codes(p.themes, "slug"), many=True),
            *record,
        ],
        [_fk("launched_at_event_id", "events")],
    )
    publication_organisations = Resource(
        "publication_organisations",
        "Organisations' parts in publications",
        lambda: PublicationOrganisation.objects.filter(
            publication__status=published, partner__status=published
        ).order_by("id"),
        [
            Column("publication_id", "integer", "", lambda o: o.publication_id),
            Column("partner_id", "integer", "", lambda o: o.partner_id),
            Column("role", "string", "publisher, author, subject, partner or funder.", lambda o: o.role),
        ],
        [_fk("publication_id", "publications"), _fk("partner_id", "partners")],
    )
    authorships = Resource(
        "authorships",
        "People's authorship of publications",
        lambda: Authorship.objects.filter(publication__status=published, person__status=published).order_by(
            "id"
        ),
        [
            Column("publication_id", "integer", "", lambda a: a.publication_id),
            Column("person_id", "integer", "", lambda a: a.person_id),
            Column("role", "string", "author, editor or contributor.", lambda a: a.role),
            Column("order", "integer", "Position in the author list.", lambda a: a.order),
        ],
        [_fk("publication_id", "publications"), _fk("person_id", "people")],
    )
    language_versions = Resource(
        "language_versions",
        "The languages each publication exists in",
        lambda: LanguageVersion.objects.filter(publication__status=published).order_by("id"),
        [
            Column("publication_id", "integer", "", lambda v: v.publication_id),
            Column("language", "string", "ISO 639-1 code.", lambda v: v.language_id),
            Column("title", "string", "The title in this language.", lambda v: v.title),
            Column("url", "string", "Where to read it.", lambda v: v.url),
            Column(
                "is_original", "boolean", "The language it was first written in.", lambda v: v.is_original
            ),
        ],
        [_fk("publication_id", "publications")],
    )
    return [
        partners,
        people,
        partnerships,
        participations,
        events,
        event_organisers,
        publications,
        publication_organisations,
        authorships,
        language_versions,
    ]


def _csv_value(column: Column, value: Any) -> Any:
    if column.many:
        return safe_cell(LIST_SEPARATOR.join(str(item) for item in value))
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    # Text a spreadsheet would run as a formula is written as text; the JSON Lines keep it as is.
    return safe_cell(value)


def _schema(resource: Resource, *, for_csv: bool) -> dict[str, Any]:
    fields = []
    for column in resource.columns:
        spec: dict[str, Any] = {"name": column.name, "type": column.type}
        if column.many and for_csv:
            spec["type"] = "string"
            spec["description"] = f"{column.description} Values separated by '{LIST_SEPARATOR}'.".strip()
        elif column.many:
            spec["arrayItem"] = {"type": column.item_type}
            spec["description"] = column.description
        elif column.description:
            spec["description"] = column.description
        fields.append(spec)
    schema: dict[str, Any] = {"fields": fields}
    if resource.columns[0].name == "id":
        schema["primaryKey"] = "id"
    if resource.foreign_keys and for_csv:
        schema["foreignKeys"] = resource.foreign_keys
    return schema


def datapackage(resource_list: list[Resource], *, created: datetime.datetime, counts: dict[str, int]) -> dict:
    """The Frictionless Data Package descriptor: one CSV and one JSON Lines resource per kind of row."""
    license_ = settings.DATA_LICENSE
    package: dict[str, Any] = {
        "name": "ssc-registry",
        "title": "SSC Registry: the public registry of South-South and triangular cooperation",
        "description": (
            "Every published record of the registry: partners, people, partnerships, events and "
            "publications, and the links between them. The same rows as CSV and as JSON Lines."
        ),
        "created": _iso(created),
        "licenses": [license_],
        "resources": [],
    }
    for resource in resource_list:
        package["resources"].append(
            {
                "name": resource.name,
                "title": resource.title,
                "path": f"{resource.name}.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "description": CSV_FORMULA_NOTE,
                "count": counts[resource.name],
                "schema": _schema(resource, for_csv=True),
            }
        )
        package["resources"].append(
            {
                "name": f"{resource.name}-jsonl",
                "title": f"{resource.title} (JSON Lines)",
                "path": f"{resource.name}.jsonl",
                "format": "jsonl",
                "mediatype": "application/jsonl",
                "encoding": "utf-8",
                "count": counts[resource.name],
                "schema": _schema(resource, for_csv=False),
            }
        )
    return package


def licence_text() -> str:
    license_ = settings.DATA_LICENSE
    return (
        "SSC Registry open data\n\n"
        f"The registry's data is published under the {license_['title']} licence ({license_['name']}):\n"
        f"{license_['path']}\n\n"
        'You may share and adapt it for any purpose, provided you credit "SSC Registry" and link to the\n'
        "licence. Each record links to the sources its facts come from; text quoted from those sources\n"
        "remains under its publishers' terms.\n"
    )


def _write_resource(resource: Resource, directory: Path) -> int:
    """Write one resource's CSV and JSON Lines side by side, row by row; return the row count."""
    count = 0
    with (
        (directory / f"{resource.name}.csv").open("w", newline="", encoding="utf-8") as csv_file,
        (directory / f"{resource.name}.jsonl").open("w", encoding="utf-8") as jsonl_file,
    ):
        writer = csv.writer(csv_file)
        writer.writerow([column.name for column in resource.columns])
        for row in resource.rows().iterator(chunk_size=CHUNK_SIZE):
            values = [(column, column.get(row)) for column in resource.columns]
            writer.writerow([_csv_value(column, value) for column, value in values])
            jsonl_file.write(json.dumps({c.name: v for c, v in values}, ensure_ascii=False) + "\n")
            count += 1
    return count


def export_dataset(directory: Path, *, site_url: str, now: datetime.datetime | None = None) -> Path:
    """Write a complete dump into `directory` and return the zip's path."""
    now = (now or timezone.now()).astimezone(datetime.UTC)
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / f"{DUMP_PREFIX}{now:%Y%m%dT%H%M%SZ}.zip"
    resource_list = resources(site_url.rstrip("/"))
    with tempfile.TemporaryDirectory(dir=directory, prefix=".export-") as work:
        work_dir = Path(work)
        counts = {resource.name: _write_resource(resource, work_dir) for resource in resource_list}
        descriptor = datapackage(resource_list, created=now, counts=counts)
        (work_dir / "datapackage.json").write_text(json.dumps(descriptor, indent=2, ensure_ascii=False))
        (work_dir / "LICENSE.txt").write_text(licence_text())
        partial = work_dir / "dump.zip"
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for name in ["datapackage.json", "LICENSE.txt"]:
                archive.write(work_dir / name, name)
            for resource in resource_list:
                for suffix in ("csv", "jsonl"):
                    archive.write(work_dir / f"{resource.name}.{suffix}", f"{resource.name}.{suffix}")
        # A rename within one file system is atomic: readers see the old dump or the whole new one.
        shutil.move(partial, target)
    return target


def dumps(directory: Path) -> Iterator[Path]:
    """The dumps in `directory`, newest first (their names sort by time)."""
    if not directory.is_dir():
        return iter(())
    return iter(sorted((p for p in directory.iterdir() if DUMP_NAME.match(p.name)), reverse=True))


def latest_dump(directory: Path | None = None) -> Path | None:
    return next(dumps(directory or settings.DATA_DUMP_DIR), None)


def prune_dumps(directory: Path, keep: int) -> list[Path]:
    """Delete all but the `keep` newest dumps; return what was deleted."""
    old = list(dumps(directory))[keep:]
    for path in old:
        path.unlink()
    return old
