"""The public shapes (registry/shapes.py) of partnerships, partners and people, and the kinds of
field that other record types share with them: sources, linked partners, linked records.

Drafts stay out: participations only of published partners, a partner's parent and a person's
affiliation only when published.
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models

from partnerships.models import (
    OrganisationRelation,
    Participation,
    Partner,
    PartnerName,
    Partnership,
    Person,
)
from registry import shapes
from registry.models import SourceLink
from registry.workflow import Status
from vocabularies.models import Country

PUBLISHED = Status.PUBLISHED


# Objects shown in several record types: linked records and vocabulary entries.

PARTNER_COMPACT = shapes.Object.of(
    "PartnerCompact",
    slug=shapes.SLUG,
    name=shapes.TEXT,
    acronym=shapes.TEXT,
    country=shapes.TEXT.nullable("ISO alpha-2 code."),
)
PERSON_COMPACT = shapes.Object.of("PersonCompact", slug=shapes.SLUG, name=shapes.TEXT)
PARTNERSHIP_COMPACT = shapes.Object.of("PartnershipCompact", slug=shapes.SLUG, title=shapes.TEXT)
SDG_COMPACT = shapes.Object.of("SDGCompact", code=shapes.INTEGER, title=shapes.TEXT)
TARGET_COMPACT = shapes.Object.of("TargetCompact", code=shapes.TEXT, title=shapes.TEXT)
SOURCE = shapes.Object.of(
    "Source",
    url=shapes.Stored("url", SourceLink),
    title=shapes.Stored("title", SourceLink),
    published_on=shapes.Stored("published_on", SourceLink),
    note=shapes.Stored("note", SourceLink),
)


# Kinds of field shared by record types.


def Sources(model: type[models.Model]) -> shapes.Field:  # noqa: N802 (a kind of field)
    """The record's sources (the generic relation `sources`), in JSON only."""

    def build(ids: list[Any]) -> models.QuerySet:
        content_type = ContentType.objects.get_for_model(model)
        return (
            SourceLink.objects.filter(shapes.AnyOf("object_id", ids), content_type=content_type)
            .order_by(*SourceLink._meta.ordering)
            .values_list("object_id", "url", "title", "published_on", "note")
        )

    def shown(_row: shapes.Row, entries: shapes.Entries, context: shapes.Context) -> list[dict[str, Any]]:
        date = context.date
        make = SOURCE.make
        return [make(url, title, date(published_on), note) for url, title, published_on, note in entries]

    return shapes.Field(
        "sources",
        relation=shapes.Relation(("sources", model._meta.label), build),
        json=shown,
        schema=shapes.ListOf(SOURCE),
    )


PARTNER_COLUMNS = PARTNER_COMPACT.keys  # ("slug", "name", "acronym", "country")


def partner_links(model: type[models.Model], parent: str) -> shapes.Relation:
    """A link model's published partners and their role by parent id (an event's organisers, a
    publication's organisations), in the model's order: `(slug, name, acronym, country, role)`."""

    def build(ids: list[Any]) -> models.QuerySet:
        return (
            model.objects.filter(shapes.AnyOf(f"{parent}_id", ids), partner__status=PUBLISHED)
            .order_by(*model._meta.ordering)
            .values_list(f"{parent}_id", *(f"partner__{c}" for c in PARTNER_COLUMNS), "role")
        )

    return shapes.Relation(("partner-links", model._meta.label), build)


def PartnerRoles(name: str, model: type[models.Model], parent: str, shown_as: str) -> shapes.Field:  # noqa: N802
    """Published partners with their role (`{"partner", "role"}`, the schema's object `shown_as`),
    and in the CSV `Name [slug] - Role`."""
    role_label = shapes.choice_labels(model, "role")
    entry = shapes.Object.of(shown_as, partner=PARTNER_COMPACT, role=shapes.Stored("role", model))
    return shapes.Many(
        name,
        partner_links(model, parent),
        json=lambda slug, name, acronym, country, role: entry.make(
            PARTNER_COMPACT.make(slug, name, acronym, country), role
        ),
        item=entry,
        csv=lambda slug, name, _acronym, _country, role: f"{name} [{slug}] - {role_label(role)}",
    )


def vocabulary(
    model: type[models.Model],
    name: str,
    code: str,
    label: str,
    *,
    json: Any = shapes.CODE_NAME,
    item: shapes.Schema | None = None,
    help: str = "",
    dump_description: str = "",
    item_type: str = "string",
    dump: bool = True,
    **target: Any,
) -> shapes.Field:
    """Linked vocabulary entries: `json(code, label)` each in JSON (of type `item`, or `json` itself
    when it is an Object), `Label [code]; ...` in the CSV, the codes in the dump."""
    return shapes.Many(
        name,
        shapes.many_to_many(model, name, code, label, **target),
        json=json,
        item=item,
        help=help,
        csv=lambda code, label: shapes.labelled(label, code),
        dump=(name, lambda code, _label: code) if dump else None,
        dump_description=dump_description,
        item_type=item_type,
    )


# Partnerships.


def _participations(ids: list[Any]) -> models.QuerySet:
    return (
        Participation.objects.filter(shapes.AnyOf("partnership_id", ids), partner__status=PUBLISHED)
        # The order of a partnership's participations: Participation's Meta.ordering (partnership,
        # role, id), where `role` sorts by the role's code, which is role_id (missing roles last).
        .order_by("role_id", "id")
        .values_list(
            "partnership_id",
            *(f"partner__{c}" for c in PARTNER_COLUMNS),
            "role_id",
            "role__name",
            "triangular_role",
            "description",
        )
    )


_triangular = shapes.choice_labels(Participation, "triangular_role")


def _participant_cell(
    slug: Any, name: Any, acronym: Any, _country: Any, role: Any, role_name: Any, triangular: Any, _note: Any
) -> str:
    """`Name (ACRONYM) [slug] - Role, Triangular role` in the CSV."""
    roles = [r for r in (role_name if role is not None else "", _triangular(triangular)) if r]
    shown = f"{name} ({acronym})" if acronym else name
    return f"{shown} [{slug}]" + (f" - {', '.join(roles)}" if roles else "")


PARTICIPANT = shapes.Object.of(
    "Participant",
    partner=PARTNER_COMPACT,
    role=shapes.CODE_NAME.nullable("IATI OrganisationRole, when the source gives it."),
    triangular_role=shapes.Plain(
        help="In triangular cooperation: beneficiary, pivotal or facilitating (empty if none)."
    ),
    description=shapes.TEXT,
)

PARTICIPANTS = shapes.Many(
    "participants",
    shapes.Relation(("participations",), _participations),
    json=lambda slug, name, acronym, country, role, role_name, triangular, description: PARTICIPANT.make(
        PARTNER_COMPACT.make(slug, name, acronym, country),
        None if role is None else shapes.CODE_NAME.make(role, role_name),
        triangular,
        description,
    ),
    item=PARTICIPANT,
    csv=_participant_cell,
)


PARTNERSHIP = shapes.RecordShape(
    Partnership,
    api_view="partnership-detail",
    web_view="partnerships:partnership-detail",
    fields=[
        shapes.Scalar("title"),
        shapes.Scalar("summary"),
        shapes.Scalar("objective", csv=False),
        shapes.Scalar("description", csv=False),
        shapes.ContentLanguage(),
        vocabulary(
            Partnership,
            "modalities",
            "code",
            "name",
            dump_description="south_south, triangular, north_south, ...",
        ),
        shapes.CodeName(
            "status",
            source="activity_status",
            csv=("status_code", "status"),
            description="IATI ActivityStatus code.",
            help="Where the partnership stands (IATI ActivityStatus).",
        ),
        shapes.PartialDate(
            "start_date", description="First day of the start date's period (see start_date_precision)."
        ),
        shapes.PartialDate("end_date"),
        PARTICIPANTS,
        vocabulary(
            Partnership,
            "platforms",
            "slug",
            "name",
            json=shapes.SLUG_NAME,
            dump_description="Platform slugs.",
        ),
        vocabulary(
            Partnership,
            "sdgs",
            "code",
            "short_title",
            json=SDG_COMPACT,
            dump_description="SDG numbers, 1 to 17.",
            item_type="integer",
        ),
        shapes.Many(
            "sdg_targets",
            shapes.many_to_many(Partnership, "sdg_targets", "code", "title"),
            json=TARGET_COMPACT,
            csv=lambda code, _title: code,
            dump=("sdg_targets", lambda code, _title: code),
            dump_description="SDG target codes such as 17.6.",
        ),
        vocabulary(
            Partnership,
            "countries",
            "code",
            "name",
            json=lambda code, _name: code,
            item=shapes.Stored("code", Country),
            help="ISO alpha-2 codes of the countries covered.",
            dump_description="ISO 3166-1 alpha-2 codes.",
        ),
        vocabulary(Partnership, "regions", "code", "name", dump_description="UN M49 region codes."),
        vocabulary(
            Partnership, "themes", "slug", "name", json=shapes.SLUG_NAME, dump_description="Theme slugs."
        ),
        Sources(Partnership),
    ],
)


# Partners and people.

ALTERNATIVE_NAME = shapes.Object.of(
    "AlternativeName",
    name=shapes.Stored("name", PartnerName),
    language=shapes.TEXT.nullable("ISO 639-1 code."),
    kind=shapes.Stored("kind", PartnerName),
)

PARTNER_RELATION = shapes.Object.of(
    "PartnerRelation",
    type=shapes.Stored("kind", OrganisationRelation),
    partner=PARTNER_COMPACT,
    start_date=shapes.Plain(kind="date").nullable("When the relation began, if known."),
    end_date=shapes.Plain(kind="date").nullable("When it ended; empty while it holds."),
)
_relation_kind = shapes.choice_labels(OrganisationRelation, "kind")


def _relations(ids: list[Any]) -> models.QuerySet:
    # Published organisations only: a draft parent, child or successor is not named.
    return (
        OrganisationRelation.objects.filter(shapes.AnyOf("partner_id", ids), related__status=PUBLISHED)
        .order_by("kind", "start_date", "id")
        .values_list(
            "partner_id", "kind", *(f"related__{c}" for c in PARTNER_COLUMNS), "start_date", "end_date"
        )
    )


def _relation_json(row: shapes.Row, entries: shapes.Entries, context: shapes.Context) -> list[dict[str, Any]]:
    date, make, partner = context.date, PARTNER_RELATION.make, PARTNER_COMPACT.make
    return [
        make(kind, partner(slug, name, acronym, country), date(start), date(end))
        for kind, slug, name, acronym, country, start, end in entries
    ]


def _relation_cell(
    kind: Any, slug: Any, name: Any, _acronym: Any, _country: Any, start: Any, end: Any
) -> str:
    """`Kind: Name [slug] (start/end)` in the CSV."""
    dates = f" ({shapes.iso(start) or ''}/{shapes.iso(end) or ''})" if start or end else ""
    return f"{_relation_kind(kind)}: {name} [{slug}]{dates}"


RELATIONS = shapes.Field(
    "relations",
    relation=shapes.Relation(("organisation-relations",), _relations),
    json=_relation_json,
    csv=(
        shapes.Cell(
            "relations", lambda _row, entries: shapes.joined_cell(_relation_cell(*e) for e in entries)
        ),
    ),
    schema=shapes.ListOf(
        PARTNER_RELATION,
        help="Its parent and children (ROR's relationship types), former ones with their dates, and "
        "the organisations it succeeded or that succeeded it. Only published partners are named.",
    ),
)

PARTNER = shapes.RecordShape(
    Partner,
    api_view="partner-detail",
    web_view="partnerships:partner-detail",
    fields=[
        shapes.Scalar("name", description="Name in English."),
        shapes.Scalar("acronym"),
        shapes.Many(
            "alternative_names",
            shapes.Relation(
                ("partner-names",),
                lambda ids: (
                    PartnerName.objects.filter(shapes.AnyOf("partner_id", ids))
                    .order_by("name", "pk")  # Meta.ordering is (partner, name)
                    .values_list("partner_id", "name", "language_id", "kind")
                ),
            ),
            json=ALTERNATIVE_NAME,
            csv=lambda name, _language, _kind: name,
            dump=("alternative_names", lambda name, _language, _kind: name),
            dump_description="Other names: translations, former and variant names.",
        ),
        shapes.CodeName(
            "type",
            source="organisation_type",
            csv=("type_code", "type"),
            description="IATI OrganisationType code.",
        ),
        shapes.CodeName(
            "country",
            csv=("country_code", "country"),
            description="Headquarters country, ISO 3166-1 alpha-2.",
        ),
        shapes.Scalar("identifier", description="Organisation identifier (org-id.guide), e.g. XM-DAC-41301."),
        shapes.Scalar("ror_id", description="Research Organization Registry ID, e.g. 03vek6s52."),
        shapes.Scalar("wikidata_id", description="Wikidata item, e.g. Q1065."),
        shapes.Scalar(
            "iati_identifier",
            description="The IATI organisation identifier it publishes under, e.g. XM-DAC-41114.",
        ),
        shapes.Scalar("website"),
        shapes.Scalar("description", csv=False),
        shapes.ContentLanguage(),
        shapes.LinkedRecord(
            "parent",
            PARTNER_COMPACT,
            dump="parent_id",
            dump_description="The partner this one belongs to or is hosted by.",
        ),
        RELATIONS,
        Sources(Partner),
    ],
)

PERSON = shapes.RecordShape(
    Person,
    api_view="person-detail",
    fields=[
        shapes.Scalar("name"),
        shapes.Scalar("position", description="Public title."),
        shapes.LinkedRecord(
            "affiliation",
            PARTNER_COMPACT,
            dump="affiliation_id",
            dump_description="The partner the person works for.",
        ),
    ],
)
