"""The search documents of partnerships and partners (registered with the core's search)."""

from __future__ import annotations

from typing import Any

from django.db.models import F, OuterRef, Value
from django.db.models.functions import Concat

from registry.search import SearchDocument, joined, name_and_acronym, name_of, register_document
from registry.workflow import Status

PUBLISHED = Status.PUBLISHED

LINKED_VOCABULARIES = [
    ("platforms", "vocabularies", "Platform"),
    ("themes", "vocabularies", "Theme"),
    ("countries", "vocabularies", "Country"),
    ("regions", "vocabularies", "Region"),
    ("sdgs", "vocabularies", "SustainableDevelopmentGoal"),
    ("targets", "vocabularies", "SDGTarget"),
]


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
            joined(linked["regions"], F("name")),
            joined(modalities, F("name")),
            joined(linked["sdgs"], F("short_title")),
            joined(linked["targets"], F("code")),
        ],
        "C": [F("objective"), F("description")],
    }


def partner_document(apps: Any) -> dict[str, list[Any]]:
    get = apps.get_model
    names = get("partnerships", "PartnerName").objects.filter(partner=OuterRef("pk"))
    return {
        "A": [F("name"), F("acronym")],
        "B": [
            joined(names, F("name")),
            name_of(get("vocabularies", "OrganisationType"), "organisation_type_id"),
            name_of(get("vocabularies", "Country"), "country_id"),
        ],
        "C": [F("description")],
    }


def register() -> None:
    register_document(
        SearchDocument(
            model="partnerships.partnership",
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
            weights=partner_document,
            parts={"partnerships.partnername": "partner_id"},
            vocabularies={
                "vocabularies.country": "country",
                "vocabularies.organisationtype": "organisation_type",
            },
        )
    )
