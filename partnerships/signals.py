"""Keep search documents current when records change, and mark every registry table for the change
stamp's trigger.

A search document holds the names of linked records (a partnership's partners, their acronyms and
alternative names, its platforms...), so a change to any of them rewrites the documents that quote
it. Writes that bypass signals (`QuerySet.update()`, raw SQL) need `manage.py rebuild_search_index`.
The registry's change stamp needs no signal: a database trigger bumps it on every write path
(`RegistryChangeTrigger`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pghistory.models
import pgtrigger
from django.apps import apps as global_apps
from django.db import models
from django.db.models.signals import ModelSignal, m2m_changed, post_delete, post_save

from events.models import Event, EventOrganiser
from reports.models import Authorship, LanguageVersion, Publication, PublicationOrganisation, Series

from .groups import REGISTRY_APPS
from .models import (
    Country,
    Modality,
    OrganisationType,
    Participation,
    Partner,
    PartnerName,
    Partnership,
    Person,
    Platform,
    Theme,
)
from .search import search_index_update


def reindex_partners(partner_ids: Any) -> None:
    """Rewrite the documents of these partners and of every record that names them."""
    search_index_update(Partner, partner_ids)
    search_index_update(
        Partnership, Participation.objects.filter(partner__in=partner_ids).values("partnership_id")
    )
    search_index_update(Event, EventOrganiser.objects.filter(partner__in=partner_ids).values("event_id"))
    search_index_update(
        Publication, PublicationOrganisation.objects.filter(partner__in=partner_ids).values("publication_id")
    )


def _on_record_saved(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    if sender is Partner:
        reindex_partners([instance.pk])
    else:
        search_index_update(sender, [instance.pk])


def _on_partner_name_changed(sender: Any, instance: PartnerName, **kwargs: Any) -> None:
    if not kwargs.get("raw"):
        reindex_partners([instance.partner_id])


def _on_person_saved(sender: Any, instance: Person, **kwargs: Any) -> None:
    if not kwargs.get("raw"):
        search_index_update(
            Publication, Authorship.objects.filter(person=instance.pk).values("publication_id")
        )


# Link rows (through models with a foreign key to the record whose document they change).
_LINKS: dict[type[models.Model], tuple[type[models.Model], str]] = {
    Participation: (Partnership, "partnership_id"),
    EventOrganiser: (Event, "event_id"),
    LanguageVersion: (Publication, "publication_id"),
    PublicationOrganisation: (Publication, "publication_id"),
    Authorship: (Publication, "publication_id"),
}


def _on_link_changed(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    record_model, attribute = _LINKS[sender]
    search_index_update(record_model, [getattr(instance, attribute)])


# Vocabulary entries whose names appear in documents: record model -> lookup to the entry.
_VOCABULARIES: dict[type[models.Model], list[tuple[type[models.Model], str]]] = {
    Platform: [(Partnership, "platforms")],
    Theme: [(Partnership, "themes"), (Event, "themes"), (Publication, "themes")],
    Modality: [(Partnership, "modalities")],
    Country: [(Partnership, "countries"), (Partner, "country"), (Event, "country")],
    OrganisationType: [(Partner, "organisation_type")],
    Series: [(Publication, "series")],
}


def _on_vocabulary_saved(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if kwargs.get("raw") or kwargs.get("created"):
        return
    for record_model, lookup in _VOCABULARIES[sender]:
        search_index_update(record_model, record_model.objects.filter(**{lookup: instance.pk}).values("pk"))


# Many-to-many fields that are part of a document.
_M2M_FIELDS = [
    (Partnership, name)
    for name in ("modalities", "platforms", "sdgs", "sdg_targets", "countries", "regions", "themes")
] + [(Event, "themes"), (Publication, "themes")]


def _m2m_receiver(record_model: type[models.Model], field_name: str) -> Any:
    def receiver(
        instance: models.Model, action: str, reverse: bool, pk_set: set | None, **kwargs: Any
    ) -> None:
        if not reverse:
            if action in ("post_add", "post_remove", "post_clear"):
                search_index_update(record_model, [instance.pk])
            return
        # Reverse side: `instance` is the vocabulary entry and pk_set names the records.
        if action == "pre_clear":
            related = record_model.objects.filter(**{field_name: instance.pk})
            instance._search_cleared = list(related.values_list("pk", flat=True))
        elif action == "post_clear":
            search_index_update(record_model, getattr(instance, "_search_cleared", []))
        elif action in ("post_add", "post_remove"):
            search_index_update(record_model, pk_set or [])

    return receiver


class RegistryChangeTrigger(pgtrigger.Trigger):
    """After every INSERT, UPDATE or DELETE statement on a registry table, note that the transaction
    changed the registry: the stamp (`RegistryChange`) is bumped when it commits (migration
    `partnerships/0018_registry_change_sql`).

    It runs the shared `registry_change_noted()` itself, not pgtrigger's own function for the table
    (which stays, unused): that one would skip the note inside `pgtrigger.ignore()`, which bulk jobs
    use to skip history and version triggers. TRUNCATE is left out: only Django's test flush
    truncates these tables, and a stamp it wrote would outlive the flush.
    """

    def render_execute(self, model: type[models.Model]) -> str:
        return "registry_change_noted()"


REGISTRY_CHANGE = RegistryChangeTrigger(
    name="registry_change",
    level=pgtrigger.Statement,
    when=pgtrigger.After,
    operation=pgtrigger.Insert | pgtrigger.Update | pgtrigger.Delete,
    func="RETURN NULL;",
)

# Tables of the registry apps that no public answer reads: the stamp itself, the spelling words
# (written with the documents, which change only with records), and curation's inbox and import
# jobs (an import's records are registry tables; its progress is not).
NOT_SHOWN = frozenset(
    {"partnerships.registrychange", "partnerships.searchword", "curation.submission", "curation.importjob"}
)


def registry_tables() -> list[type[models.Model]]:
    """Every model whose rows the registry shows: the records, their parts and link tables (the
    many-to-many ones too) and the vocabularies, of every app in REGISTRY_APPS; not history."""
    tables = []
    for label in REGISTRY_APPS:
        for model in global_apps.get_app_config(label).get_models(include_auto_created=True):
            owner = model._meta.auto_created or model  # a link table goes with its model
            if issubclass(model, pghistory.models.Event) or owner._meta.label_lower in NOT_SHOWN:
                continue
            tables.append(model)
    return tables


def register_change_trigger() -> None:
    """Put REGISTRY_CHANGE on every registry table. Called once from PartnershipsConfig.ready(),
    once every app's models are loaded. Registered, it is in the models' Meta: the apps' migrations
    add it (after `partnerships/0018`, which defines the function it runs), and pgtrigger installs
    it on the many-to-many link tables, which have no migrations of their own, after each migrate
    (PGTRIGGER_INSTALL_ON_MIGRATE)."""
    REGISTRY_CHANGE.register(*registry_tables())


_receivers: list[Any] = []  # kept alive: signals hold weak references by default


def _connections() -> Iterator[tuple[ModelSignal, Any, Any, str]]:
    """Every (signal, receiver, sender, dispatch_uid) this module connects."""
    for model in (Partnership, Partner, Event, Publication):
        yield post_save, _on_record_saved, model, f"search-{model._meta.label}"
    for signal in (post_save, post_delete):
        yield signal, _on_partner_name_changed, PartnerName, f"search-name-{signal}"
        for link in _LINKS:
            yield signal, _on_link_changed, link, f"search-{link._meta.label}-{signal}"
    yield post_save, _on_person_saved, Person, "search-person"
    for vocabulary in _VOCABULARIES:
        yield post_save, _on_vocabulary_saved, vocabulary, f"search-{vocabulary._meta.label}"
    for (record_model, field_name), receiver in zip(_M2M_FIELDS, _receivers, strict=True):
        through = getattr(record_model, field_name).through
        yield m2m_changed, receiver, through, f"search-{through._meta.label}"


def _keep_implied_goals(instance: models.Model, action: str, reverse: bool, **kwargs: Any) -> None:
    """A goal unlinked from a partnership comes back while one of its targets stays linked.

    The other half of the rule (linking a target links its goal) is a database trigger, migration
    `partnerships/0017`: together, a partnership's goals always include its targets' goals.
    """
    if action not in ("post_remove", "post_clear"):
        return
    partnerships = [instance.pk] if not reverse else list(kwargs.get("pk_set") or [])
    for partnership in Partnership.objects.filter(pk__in=partnerships):
        implied = set(partnership.sdg_targets.values_list("goal_id", flat=True))
        missing = implied - set(partnership.sdgs.values_list("pk", flat=True))
        if missing:
            partnership.sdgs.add(*missing)


def connect() -> None:
    """Connect every receiver above. Called once from PartnershipsConfig.ready()."""
    m2m_changed.connect(
        _keep_implied_goals, sender=Partnership.sdgs.through, dispatch_uid="sdg-implied-goals"
    )
    if not _receivers:
        _receivers.extend(_m2m_receiver(record_model, field_name) for record_model, field_name in _M2M_FIELDS)
    for signal, receiver, sender, uid in _connections():
        signal.connect(receiver, sender=sender, dispatch_uid=uid)


@contextlib.contextmanager
def disconnected() -> Iterator[None]:
    """Run a bulk job with none of these receivers, then connect them again.

    For maintenance commands in their own process only (generate_data --replace deletes hundreds of
    thousands of rows whose documents need no rewriting): it changes the process-wide signals. With
    no receiver, Django also deletes link rows in one statement instead of loading each one.
    """
    for signal, _receiver, sender, uid in _connections():
        signal.disconnect(sender=sender, dispatch_uid=uid)
    try:
        yield
    finally:
        connect()
