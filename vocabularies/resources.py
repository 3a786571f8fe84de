"""How spreadsheet cells name vocabulary entries: by which codes and labels (registered on import)."""

from __future__ import annotations

from registry.resources import Vocabulary, register_vocabulary

from . import models


def register() -> None:
    for vocabulary in [
        Vocabulary(
            models.Country, codes=("code", "alpha3", "numeric"), labels=("name", "name_fr", "name_es")
        ),
        Vocabulary(models.Region),
        Vocabulary(
            models.SustainableDevelopmentGoal, labels=("short_title", "title"), prefixes=("sdg", "goal")
        ),
        Vocabulary(models.SDGTarget, labels=(), prefixes=("sdg target", "target")),
        Vocabulary(models.OrganisationType),
        Vocabulary(models.OrganisationRole),
        Vocabulary(models.ActivityStatus),
        Vocabulary(models.DocumentCategory),
        Vocabulary(models.Language),
        Vocabulary(models.Modality),
        Vocabulary(models.Platform, codes=("slug",)),
        Vocabulary(models.Theme, codes=("slug",)),
    ]:
        register_vocabulary(vocabulary)
