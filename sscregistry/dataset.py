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
from operator import attrgetter
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db.models import Model, QuerySet
from django.utils import timezone

from events.models import EventOrganiser
from events.shapes import EVENT
from partnerships.models import Participation, PartnerRelation
from partnerships.shapes import PARTNER, PARTNERSHIP, PERSON
from registry.shapes import DumpColumn, RecordShape, iso
from registry.spreadsheets import safe_cell
from registry.workflow import Status
from reports.models import Authorship, LanguageVersion, PublicationOrganisation
from reports.shapes import PUBLICATION

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
    """One field of a link resource: its name, Frictionless type, meaning, and how to read it from a row."""

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
    columns: list[Column] | list[DumpColumn]
    rows: Callable[[], Iterator[list[Any]]]  # the values of `columns`, one list per row
    foreign_keys: list[dict[str, Any]] = field(default_factory=list)


def _records(name: str, title: str, shape: RecordShape, site_url: str, *keys: dict[str, Any]) -> Resource:
    """A record type's resource: its columns and rows from its shape (registry/shapes.py)."""
    return Resource(
        name,
        title,
        shape.dump_columns(),
        lambda: shape.dump_rows(shape.model.objects.published().order_by("id"), site_url, CHUNK_SIZE),
        list(keys),
    )


def _links(
    name: str, title: str, rows: Callable[[], QuerySet], columns: list[Column], keys: list[dict[str, Any]]
) -> Resource:
    """A resource of link rows (a partner's part in a partnership), read as model instances."""
    return Resource(
        name,
        title,
        columns,
        lambda: ([column.get(row) for column in columns] for row in rows().iterator(chunk_size=CHUNK_SIZE)),
        keys,
    )


def _choice(model: type[Model], field: str) -> Column:
    """A column of a field with choices, described by its values: "author, editor or contributor."."""
    *values, last = [value for value, _label in model._meta.get_field(field).choices or []]
    return Column(field, "string", f"{', '.join(values)} or {last}.", attrgetter(field))


def _partner_roles(
    name: str, title: str, model: type[Model], record: tuple[str, str], *columns: Column
) -> Resource:
    """A resource of partners' parts in records (`record`: the link's field and the records'
    resource), published on both sides: the record's id, the partner's, then `columns` (by
    default the role, from its choices)."""
    link, resource = record
    columns = columns or (_choice(model, "role"),)
    published = Status.PUBLISHED
    return _links(
        name,
        title,
        lambda: model.objects.filter(**{f"{link}__status": published}, partner__status=published).order_by(
            "id"
        ),
        [
            Column(f"{link}_id", "integer", "", attrgetter(f"{link}_id")),
            Column("partner_id", "integer", "", attrgetter("partner_id")),
            *columns,
        ],
        [_fk(f"{link}_id", resource), _fk("partner_id", "partners")],
    )


def _fk(column: str, resource: str) -> dict[str, Any]:
    return {"fields": column, "reference": {"resource": resource, "fields": "id"}}


def resources(site_url: str) -> list[Resource]:
    """What the dump contains: the five kinds of record and the links between them."""
    published = Status.PUBLISHED
    partners = _records(
        "partners",
        "Partners: organisations taking part in South-South and triangular cooperation",
        PARTNER,
        site_url,
        _fk("parent_id", "partners"),
    )
    partner_relations = _links(
        "partner_relations",
        "Dated relations between partners: former parents and predecessors (a current parent is the "
        "partner's parent_id; children and successors are these rows read from the other side)",
        lambda: PartnerRelation.objects.filter(partner__status=published, related__status=published).order_by(
            "id"
        ),
        [
            Column("partner_id", "integer", "", attrgetter("partner_id")),
            Column(
                "kind",
                "string",
                "parent (the related partner was this one's parent until end_date) or predecessor "
                "(this partner succeeded it).",
                attrgetter("kind"),
            ),
            Column("related_id", "integer", "", attrgetter("related_id")),
            Column("start_date", "date", "When the relation began, if known.", lambda r: iso(r.start_date)),
            Column("end_date", "date", "When it ended.", lambda r: iso(r.end_date)),
        ],
        [_fk("partner_id", "partners"), _fk("related_id", "partners")],
    )
    people = _records(
        "people",
        "People named in the registry (public roles only)",
        PERSON,
        site_url,
        _fk("affiliation_id", "partners"),
    )
    partnerships = _records(
        "partnerships", "Partnerships: cooperation between partners", PARTNERSHIP, site_url
    )
    participations = _partner_roles(
        "participations",
        "Partners' parts in partnerships",
        Participation,
        ("partnership", "partnerships"),
        Column("role", "string", "IATI OrganisationRole code.", lambda p: p.role_id),
        Column(
            "triangular_role",
            "string",
            "beneficiary, pivotal or facilitating (OECD).",
            lambda p: p.triangular_role,
        ),
        Column("description", "string", "", lambda p: p.description),
    )
    events = _records(
        "events",
        "Events: conferences, side events, observances, launches, meetings",
        EVENT,
        site_url,
        _fk("parent_id", "events"),
    )
    event_organisers = _partner_roles(
        "event_organisers", "Partners' parts in organising events", EventOrganiser, ("event", "events")
    )
    publications = _records(
        "publications",
        "Publications: reports, strategies, news, policy briefs",
        PUBLICATION,
        site_url,
        _fk("launched_at_event_id", "events"),
    )
    publication_organisations = _partner_roles(
        "publication_organisations",
        "Organisations' parts in publications",
        PublicationOrganisation,
        ("publication", "publications"),
    )
    authorships = _links(
        "authorships",
        "People's authorship of publications",
        lambda: Authorship.objects.filter(publication__status=published, person__status=published).order_by(
            "id"
        ),
        [
            Column("publication_id", "integer", "", lambda a: a.publication_id),
            Column("person_id", "integer", "", lambda a: a.person_id),
            _choice(Authorship, "role"),
            Column("order", "integer", "Position in the author list.", lambda a: a.order),
        ],
        [_fk("publication_id", "publications"), _fk("person_id", "people")],
    )
    language_versions = _links(
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
        partner_relations,
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


def _csv_value(column: Column | DumpColumn, value: Any) -> Any:
    if column.many:
        return safe_cell(LIST_SEPARATOR.join(str(item) for item in value))
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):  # a Table Schema "object": JSON text in CSV
        return json.dumps(value, ensure_ascii=False, sort_keys=True) if value else ""
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
            "publications, and the links between them. The same rows as CSV and as JSON Lines (a "
            "kind of row with no rows yet has its CSV only, with its header)."
        ),
        "created": iso(created),
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
        if not counts[resource.name]:
            continue  # no rows: the CSV's header says the columns; an empty JSON Lines file says nothing
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
        for row in resource.rows():
            values = list(zip(resource.columns, row, strict=True))
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
                for suffix in ("csv", "jsonl") if counts[resource.name] else ("csv",):
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
