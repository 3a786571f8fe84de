"""Load the reference vocabularies from the files in partnerships/data/ (see its README).

Idempotent: rows are created or updated by code, never duplicated. Called by a data migration, so
every install has the vocabularies, and by `manage.py load_reference_data` after a data update.
"""

from __future__ import annotations

import csv
import datetime
from pathlib import Path
from typing import Any

from defusedxml import ElementTree as ET
from django.apps import apps as global_apps

from vocabularies.models import sdg_target_sort_key

DATA_DIR = Path(__file__).resolve().parent / "data"
IATI_DIR = DATA_DIR / "iati"

GLOBAL_SOUTH_SOURCE = "Member States of the Group of 77 (and China), g77.org/doc/members.html"
GLOBAL_SOUTH_AS_OF = datetime.date(2024, 1, 1)

# Short names and official colours from the UN's SDG communications guidelines.
SDG_SHORT_TITLES = {
    1: ("No poverty", "#E5243B"),
    2: ("Zero hunger", "#DDA63A"),
    3: ("Good health and well-being", "#4C9F38"),
    4: ("Quality education", "#C5192D"),
    5: ("Gender equality", "#FF3A21"),
    6: ("Clean water and sanitation", "#26BDE2"),
    7: ("Affordable and clean energy", "#FCC30B"),
    8: ("Decent work and economic growth", "#A21942"),
    9: ("Industry, innovation and infrastructure", "#FD6925"),
    10: ("Reduced inequalities", "#DD1367"),
    11: ("Sustainable cities and communities", "#FD9D24"),
    12: ("Responsible consumption and production", "#BF8B2E"),
    13: ("Climate action", "#3F7E44"),
    14: ("Life below water", "#0A97D9"),
    15: ("Life on land", "#56C02B"),
    16: ("Peace, justice and strong institutions", "#00689D"),
    17: ("Partnerships for the goals", "#19486A"),
}

MODALITIES = [
    ("south_south", "South-South cooperation", "Cooperation among developing countries."),
    (
        "triangular",
        "Triangular cooperation",
        "South-South cooperation supported by a developed country or a multilateral organisation.",
    ),
    ("north_south", "North-South cooperation", "Traditional cooperation from developed countries."),
    (
        "multi_stakeholder",
        "Multi-stakeholder partnership",
        "Governments with the private sector, civil society, academia or others.",
    ),
]

# The seven partnership platforms of the World Green Economy Organization; curators add more.
PLATFORMS = [
    ("public-sector", "Public Sector"),
    ("private-sector", "Private Sector"),
    ("financial-sector", "Financial Sector"),
    ("cities", "Cities"),
    ("academia-and-youth", "Academia and Youth"),
    ("civil-society", "Civil Society"),
    ("international-organizations", "International Organizations"),
]


def _codelist(name: str) -> list[dict[str, str]]:
    """The items of an IATI codelist file: code, English name, description, category."""
    items = []
    for item in ET.parse(IATI_DIR / f"{name}.xml").iter("codelist-item"):
        if item.get("status") == "withdrawn":
            continue
        items.append(
            {
                "code": (item.findtext("code") or "").strip(),
                "name": (item.findtext("name/narrative") or "").strip(),
                "name_fr": (
                    item.findtext("name/narrative[@{http://www.w3.org/XML/1998/namespace}lang='fr']") or ""
                ).strip(),
                "description": (item.findtext("description/narrative") or "").strip(),
                "category": (item.findtext("category") or "").strip(),
            }
        )
    return items


def _upsert(model: Any, key: dict[str, Any], values: dict[str, Any]) -> None:
    model.objects.update_or_create(**key, defaults=values)


def load_regions_and_countries(apps: Any = global_apps) -> int:
    Region = apps.get_model("vocabularies", "Region")
    Country = apps.get_model("vocabularies", "Country")
    with open(DATA_DIR / "g77_members.csv", encoding="utf-8") as fh:
        g77 = {row["alpha3"] for row in csv.DictReader(fh)}
    with open(DATA_DIR / "countries.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))

    _upsert(Region, {"code": "001"}, {"name": "World", "level": "region", "parent": None})
    levels = [
        ("region_code", "region_name", "region", None),
        ("subregion_code", "subregion_name", "subregion", "region_code"),
        ("intermediate_region_code", "intermediate_region_name", "intermediate", "subregion_code"),
    ]
    for code_col, name_col, level, parent_col in levels:
        seen = {}
        for row in rows:
            if row[code_col]:
                seen[row[code_col]] = (row[name_col], row[parent_col] if parent_col else "001")
        for code, (name, parent) in sorted(seen.items()):
            _upsert(Region, {"code": code}, {"name": name, "level": level, "parent_id": parent})

    for row in rows:
        _upsert(
            Country,
            {"code": row["alpha2"]},
            {
                "alpha3": row["alpha3"],
                "numeric": row["numeric"],
                "name": row["name"],
                "name_fr": row["name_fr"],
                "name_es": row["name_es"],
                "region_id": row["region_code"] or None,
                "subregion_id": row["subregion_code"] or None,
                "intermediate_region_id": row["intermediate_region_code"] or None,
                "is_ldc": row["ldc"] == "1",
                "is_lldc": row["lldc"] == "1",
                "is_sids": row["sids"] == "1",
                "global_south": row["alpha3"] in g77,
                "global_south_source": GLOBAL_SOUTH_SOURCE,
                "global_south_as_of": GLOBAL_SOUTH_AS_OF,
            },
        )
    return len(rows)


# Where the goals' and targets' French and Spanish texts come from (stored on each entry).
SDG_GOALS_SOURCE = (
    "French: the UN's official text, from IATI's UNSDG-Goals codelist (commit 75e827b, copied "
    "2026-11-22). Spanish: General Assembly resolution A/RES/70/1, official Spanish version, "
    "25 September 2015 (undocs.org/es/A/RES/70/1)."
)
SDG_TARGETS_SOURCE = (
    "French: the UN's official text, from IATI's UNSDG-Targets codelist (commit 75e827b, copied "
    "2026-11-22). No Spanish text is kept yet: Spanish pages show the English one."
)


def _numbered(title: str, word: str) -> str:
    """ "Goal 1. End poverty..." -> "End poverty..." ("Objectif 1. ..." in French)."""
    return title.split(". ", 1)[1] if title.startswith(word) and ". " in title else title


def load_sdgs(apps: Any = global_apps) -> int:
    Goal = apps.get_model("vocabularies", "SustainableDevelopmentGoal")
    Target = apps.get_model("vocabularies", "SDGTarget")
    with open(DATA_DIR / "sdg_goals_es.csv", encoding="utf-8") as fh:
        spanish = {int(row["code"]): row["title"] for row in csv.DictReader(fh)}
    for item in _codelist("UNSDG-Goals"):
        code = int(item["code"])
        short, colour = SDG_SHORT_TITLES[code]
        values = {
            "title": _numbered(item["name"], "Goal"),
            "title_fr": _numbered(item["name_fr"], "Objectif"),
            "title_es": spanish.get(code, ""),
            "titles_source": SDG_GOALS_SOURCE,
            "short_title": short,
            "colour": colour,
        }
        _upsert(Goal, {"code": code}, values)
    targets = _codelist("UNSDG-Targets")
    for item in targets:
        _upsert(
            Target,
            {"code": item["code"]},
            {
                "goal_id": int(item["code"].split(".")[0]),
                "title": item["name"],
                "title_fr": item["name_fr"],
                "titles_source": SDG_TARGETS_SOURCE,
                "sort_key": sdg_target_sort_key(item["code"]),
            },
        )
    return len(targets)


def load_codelists(apps: Any = global_apps) -> None:
    for model_name, codelist in [
        ("OrganisationType", "OrganisationType"),
        ("OrganisationRole", "OrganisationRole"),
        ("ActivityStatus", "ActivityStatus"),
    ]:
        model = apps.get_model("vocabularies", model_name)
        for item in _codelist(codelist):
            _upsert(model, {"code": item["code"]}, {"name": item["name"], "description": item["description"]})
    DocumentCategory = apps.get_model("vocabularies", "DocumentCategory")
    for item in _codelist("DocumentCategory"):
        _upsert(
            DocumentCategory,
            {"code": item["code"]},
            {"name": item["name"], "description": item["description"], "category": item["category"]},
        )
    Language = apps.get_model("vocabularies", "Language")
    for item in _codelist("Language"):
        _upsert(Language, {"code": item["code"]}, {"name": item["name"].split(";")[0].strip()})


def load_platforms_and_modalities(apps: Any = global_apps) -> None:
    Modality = apps.get_model("vocabularies", "Modality")
    for code, name, description in MODALITIES:
        _upsert(Modality, {"code": code}, {"name": name, "description": description})
    Platform = apps.get_model("vocabularies", "Platform")
    for slug, name in PLATFORMS:
        # Platforms belong to curators once created: only fill in missing ones.
        Platform.objects.get_or_create(slug=slug, defaults={"name": name})


def load_reference_data(apps: Any = global_apps) -> None:
    """Create or update every reference vocabulary."""
    load_regions_and_countries(apps)
    load_sdgs(apps)
    load_codelists(apps)
    load_platforms_and_modalities(apps)
