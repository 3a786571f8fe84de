"""How spreadsheet cells name vocabulary entries: by which codes and labels (registered on import)."""

from __future__ import annotations

from registry.resources import Vocabulary, register_vocabulary

from .models import (
    ActivityStatus,
    Country,
    DocumentCategory,
    Language,
    Modality,
    OrganisationRole,
    OrganisationType,
    Platform,
    Region,
    SDGTarget,
    SustainableDevelopmentGoal,
    Theme,
)


def register() -> None:
    for vocabulary in [
        Vocabulary(Country, codes=("code", "alpha3", "numeric"), labels=("name", "name_fr", "name_es")),
        Vocabulary(Region),
        Vocabulary(SustainableDevelopmentGoal, labels=("short_title", "title"), prefixes=("sdg", "goal")),
        Vocabulary(SDGTarget, labels=(), prefixes=("sdg target", "target")),
        Vocabulary(OrganisationType),
        Vocabulary(OrganisationRole),
        Vocabulary(ActivityStatus),
        Vocabulary(DocumentCategory),
        Vocabulary(Language),
        Vocabulary(Modality),
        Vocabulary(Platform, codes=("slug",)),
        Vocabulary(Theme, codes=("slug",)),
    ]:
        register_vocabulary(vocabulary)
