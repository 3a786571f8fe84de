"""The search documents of partnerships and partners (registered with the core's search)."""

from __future__ import annotations

from typing import Any

from django.db.models import F, OuterRef, TextField, Value
from django.db.models.functions import Concat

from registry.search import SearchDocument, joined, name_and_acronym, name_of, register_document, translated
from registry.workflow import Status
from vocabularies.labels import LABELS

PUBLISHED = Status.PUBLISHED

LINKED_VOCABULARIES = [
    ("platforms", "vocabularies", "Platform"),
    ("themes", "vocabularies", "Theme"),
    ("countries", "vocabularies", "Country"),
    ("regions", "vocabularies", "Region"),
    ("sdgs", "vocabularies", "SustainableDevelopmentGoal"),
    ("targets", "vocabularies", "SDGTarget"),
]


def in_every_language(field: str = "name") -> Concat:
    """A vocabulary entry's English `field` and its translations (vocabularies/labels.py)."""
    return Concat(F(field), Value(" "), translated(field, LABELS), output_field=TextField())


def country_names(foreign_key: str, apps: Any) -> list[Any]:
    """A country's names in the interface languages, for a document."""
    country = apps.get_model("vocabularies", "Country")
    return [name_of(country, foreign_key, field) for field in ("name", "name_fr", "name_es")]


def partnership_document(apps: Any) -> dict[str, list[Any]]:
    get = apps.get_model
    participations = get("partnerships", "Participation").objects.filter(
        partnership=OuterRef("pk"), partner__status=PUBLISHED
    )
    alternative_names = get("partnerships", "PartnerName").objects.filter(
        partner__participations__partnership=OuterRef("pk"), partner__status=PUBLISHED
    )
    linked = {
        name: get(app, model).objects.filter(partnerships=OuterRef("pk"))
        for name, app, model in LINKED_VOCABULARIES
    }
    modalities = get("vocabularies", "Modality").objects.filter(partnership=OuterRef("pk"))
    return {
        "A": [F("title"), joined(participations, name_and_acronym("partner__"))],
        "B": [
            F("summary"),
            joined(alternative_names, F("name")),
            joined(linked["platforms"], F("name")),
            joined(linked["themes"], F("name")),
            joined(
                linked["countries"],
                Concat(F("name"), Value(" "), F("name_fr"), Value(" "), F("name_es")),
            ),
            joined(linked["regions"], in_every_language("name")),
            joined(modalities, in_every_language("name")),
            joined(linked["sdgs"], in_every_language("short_title")),
            joined(linked["targets"], F("code")),
        ],
        "C": [F("objective"), F("description")],
    }


def partner_document(apps: Any) -> dict[str, list[Any]]:
    get = apps.get_model
    names = get("partnerships", "PartnerName").objects.filter(partner=OuterRef("pk"))
    return {
        "A": [F("name"), F("acronym"), F("identifier")],
        "B": [
            joined(names, F("name")),
            name_of(get("vocabularies", "OrganisationType"), "organisation_type_id", in_every_language()),
            *country_names("country_id", apps),
        ],
        "C": [F("description")],
    }


def register() -> None:
    register_document(
        SearchDocument(
            model="partnerships.partnership",
            exact=("title",),
            weights=partnership_document,
            parts={"partnerships.participation": "partnership_id"},
            vocabularies={
                "vocabularies.platform": "platforms",
                "vocabularies.theme": "themes",
                "vocabularies.modality": "modalities",
                "vocabularies.country": "countries",
            },
            many_to_many=("modalities", "platforms", "sdgs", "sdg_targets", "countries", "regions", "themes"),
            quotes={"partnerships.partner": "participations__partner"},
        )
    )
    register_document(
        SearchDocument(
            model="partnerships.partner",
            exact=("name", "acronym", "identifier", "alternative_names__name"),
            weights=partner_document,
            parts={"partnerships.partnername": "partner_id"},
            vocabularies={
                "vocabularies.country": "country",
                "vocabularies.organisationtype": "organisation_type",
            },
        )
    )
