"""Keep search documents current when records change (the change stamp is the database's job:
registry/changes.py).

A search document holds the names of linked records (a partnership's partners, their acronyms and
alternative names, its platforms...), so a change to any of them rewrites the documents that quote
it. What each document depends on is declared by its app (`registry.search.SearchDocument`); the
receivers here are derived from those declarations. Writes that bypass signals (`QuerySet.update()`,
raw SQL) need `manage.py rebuild_search_index`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from django.apps import apps as global_apps
from django.db import models
from django.db.models.signals import ModelSignal, m2m_changed, post_delete, post_save

from registry import embeddings
from registry.search import SearchDocument, search_documents, search_index_update


def _model(label: str) -> type[models.Model]:
    return global_apps.get_model(label)


def reindex_records(model: type[models.Model], pks: Any) -> None:
    """Rewrite the documents of these records, if their model is searchable, and of every record
    whose document quotes them (a partner's name appears in its partnerships' documents)."""
    label = model._meta.label_lower
    for document in search_documents():
        if document.model == label:
            search_index_update(model, pks)
    for document in search_documents():
        lookup = document.quotes.get(label)
        if lookup:
            quoting = _model(document.model)
            search_index_update(
                quoting, quoting._default_manager.filter(**{f"{lookup}__in": pks}).values("pk")
            )


def _on_record_saved(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    if not kwargs.get("raw"):
        reindex_records(sender, [instance.pk])
        embeddings.enqueue(sender, [instance.pk])  # by the task worker, after the commit


def _part_receiver(document: SearchDocument, attribute: str) -> Any:
    def receiver(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
        if not kwargs.get("raw"):
            reindex_records(_model(document.model), [getattr(instance, attribute)])

    return receiver


def _vocabulary_receiver(document: SearchDocument, lookup: str) -> Any:
    def receiver(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
        if kwargs.get("raw") or kwargs.get("created"):
            return
        record_model = _model(document.model)
        search_index_update(
            record_model, record_model._default_manager.filter(**{lookup: instance.pk}).values("pk")
        )

    return receiver


def _m2m_receiver(document: SearchDocument, field_name: str) -> Any:
    def receiver(
        instance: models.Model, action: str, reverse: bool, pk_set: set | None, **kwargs: Any
    ) -> None:
        record_model = _model(document.model)
        if not reverse:
            if action in ("post_add", "post_remove", "post_clear"):
                search_index_update(record_model, [instance.pk])
            return
        # Reverse side: `instance` is the vocabulary entry and pk_set names the records.
        if action == "pre_clear":
            related = record_model._default_manager.filter(**{field_name: instance.pk})
            # Kept on the entry until post_clear (an attribute of our own).
            instance._search_cleared = list(related.values_list("pk", flat=True))  # type: ignore[attr-defined]
        elif action == "post_clear":
            search_index_update(record_model, getattr(instance, "_search_cleared", []))
        elif action in ("post_add", "post_remove"):
            search_index_update(record_model, pk_set or [])

    return receiver


_receivers: dict[str, Any] = {}  # kept alive: signals hold weak references by default


def _receiver_once(uid: str, make: Any) -> Any:
    if uid not in _receivers:
        _receivers[uid] = make()
    return _receivers[uid]


def _connections() -> Iterator[tuple[ModelSignal, Any, Any, str]]:
    """Every (signal, receiver, sender, dispatch_uid) this module connects, derived from the
    registered search documents."""
    saved = {document.model for document in search_documents()}
    saved |= {label for document in search_documents() for label in document.quotes}
    for label in sorted(saved):
        yield post_save, _on_record_saved, _model(label), f"search-{label}"
    for document in search_documents():
        for part, attribute in document.parts.items():
            for signal in (post_save, post_delete):
                uid = f"search-{document.model}-{part}-{signal}"
                yield (
                    signal,
                    _receiver_once(uid, lambda d=document, a=attribute: _part_receiver(d, a)),
                    _model(part),
                    uid,
                )
        for vocabulary, lookup in document.vocabularies.items():
            uid = f"search-{document.model}-{vocabulary}"
            receiver = _receiver_once(uid, lambda d=document, lk=lookup: _vocabulary_receiver(d, lk))
            yield post_save, receiver, _model(vocabulary), uid
        for field_name in document.many_to_many:
            through = getattr(_model(document.model), field_name).through
            uid = f"search-{through._meta.label}"
            receiver = _receiver_once(uid, lambda d=document, f=field_name: _m2m_receiver(d, f))
            yield m2m_changed, receiver, through, uid


def connect() -> None:
    """Connect every receiver above (idempotent). Called from RegistryConfig.ready() and again by
    each `register_document()`."""
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
