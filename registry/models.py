"""The registry's own tables, shared by every record type: sources, the last-change stamp, the search's
word list, and the slug rule."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils.text import slugify
from pgvector.django import HnswIndex, VectorField

from registry.fields import LineField, WebAddressField, WindowedDateField, single_line_check, window_check
from registry.workflow import track_history


@track_history()
class SourceLink(models.Model):
    """A source a record's facts come from: a web page, a UN document, a codelist."""

    registry_role = "part"

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    url = WebAddressField(max_length=500)
    title = LineField(max_length=300, blank=True)
    published_on = WindowedDateField(null=True, blank=True, help_text="The date the source gives.")
    note = LineField(max_length=300, blank=True, help_text="Which facts this source supports, if not all.")

    class Meta:
        ordering = ["id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "url"], name="sourcelink_unique_per_record"
            ),
            single_line_check("sourcelink", "title", "note", "url"),
            window_check("sourcelink", "published_on"),
        ]

    def __str__(self) -> str:
        return self.title or self.url


class RegistryChange(models.Model):
    """When any record of the registry last changed: one row, the API's `Last-Modified`."""

    registry_role = "internal"

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    changed_at = models.DateTimeField()

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="registrychange_single_row")]

    def __str__(self) -> str:
        return f"Last change {self.changed_at:%Y-%m-%d %H:%M:%S}"


class SearchWord(models.Model):
    """A word of the records' search documents: the vocabulary spelling suggestions come from.

    Written by `registry.search.search_index_update` with the documents, never edited. Words of
    unpublished records are here too; a suggestion is only offered when the corrected search finds
    published records, so it reveals nothing they do not already show.
    """

    registry_role = "internal"

    word = models.CharField(max_length=60, primary_key=True)

    class Meta:
        indexes = [GinIndex(fields=["word"], opclasses=["gin_trgm_ops"], name="searchword_trgm")]

    def __str__(self) -> str:
        return self.word


class SearchEmbedding(models.Model):
    """A record's sentence embedding, for search across languages and similar records
    (`registry/embeddings.py`). Written by the task worker after the record is saved, never edited.

    One row per record, of any searchable type. `text_hash` is the hash of the text embedded, so a
    save that changes no embedded text costs no second embedding. Rows of drafts exist too; every
    read joins them to published records. Not internal: the similar records of public pages read
    them, so writing them moves the last-change stamp, and cached pages follow.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    encoder = models.CharField(max_length=60, help_text="The model that made it (SEARCH_EMBEDDING_MODEL).")
    text_hash = models.CharField(max_length=64)
    embedding = VectorField(dimensions=384)
    embedded_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="searchembedding_one_per_record"
            )
        ]
        indexes = [
            HnswIndex(
                name="searchembedding_hnsw",
                fields=["embedding"],
                m=16,
                ef_construction=64,
                opclasses=["vector_cosine_ops"],
            )
        ]

    def __str__(self) -> str:
        return f"{self.content_type.model} {self.object_id}"


# The API's own addresses beside a collection's records (/api/v1/partners/facets/): a record with
# such a slug could not be reached there, so none is given one.
RESERVED_SLUGS = frozenset({"facets"})


def unique_slug(instance: models.Model, text: str, max_length: int = 120) -> str:
    """A slug from `text` that no other row of the instance's model uses, and no reserved one."""
    base = slugify(text)[: max_length - 5] or "record"
    slug, n = base, 2
    model = type(instance)
    while slug in RESERVED_SLUGS or model._default_manager.filter(slug=slug).exclude(pk=instance.pk).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def import_kinds() -> list[tuple[str, str]]:
    """What a spreadsheet import can hold: the kinds the apps registered (registry.resources)."""
    from .resources import import_resources  # noqa: PLC0415 (resources import the models)

    return [(kind, resource.kind_label()) for kind, resource in import_resources().items()]


class ImportJob(models.Model):
    """One spreadsheet import run by the task worker: the file, who sent it, and how far it got.

    A job first checks the file (a dry run, like the admin's preview); once the importer confirms
    the check, it imports the file in one transaction. The file is kept in the row until then, so
    the worker needs no disk shared with the web server.
    """

    registry_role = "internal"

    class State(models.TextChoices):
        QUEUED = "queued", "Waiting for the worker"
        RUNNING = "running", "Running"
        CHECKED = "checked", "Checked: waiting for confirmation"
        DONE = "done", "Imported"
        FAILED = "failed", "Failed: nothing imported"

    kind = models.CharField(
        max_length=20,
        choices=import_kinds,
    )
    file_name = models.CharField(max_length=255)
    file_format = models.CharField(max_length=10, help_text="csv, xlsx or json.")
    content = models.BinaryField(editable=False, help_text="The uploaded file, until the job ends.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="import_jobs"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    dry_run = models.BooleanField(
        "check only", default=True, help_text="True while the file is being checked, before it is confirmed."
    )
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    totals = models.JSONField(default=dict, blank=True, help_text="New, updated and unchanged rows.")
    errors = models.JSONField(default=list, blank=True)
    notes = models.JSONField(default=list, blank=True, help_text="Ignored status cells, likely duplicates.")
    task_id = models.CharField(
        max_length=64, blank=True, help_text="The task worker's id for the current run."
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(rows_done__lte=models.F("rows_total")), name="importjob_done_le_total"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.file_name}"

    @property
    def is_active(self) -> bool:
        """Waiting for or being run by the worker: its page keeps refreshing."""
        return self.state in (self.State.QUEUED, self.State.RUNNING)

    @property
    def percent_done(self) -> int:
        return round(100 * self.rows_done / self.rows_total) if self.rows_total else 0


class FacetTokens(models.Model):
    """A record's facet tokens (`type:conference`, `country:RW`), written by the triggers of its
    app's migration (registry/facets.py `token_index_sql`); `published` copies its status. Each app
    adds the one-to-one primary key to its records."""

    registry_role = "internal"

    published = models.BooleanField(default=False)
    tokens = ArrayField(models.CharField(max_length=40), default=list)

    class Meta:
        abstract = True


class FacetTokenCount(models.Model):
    """Changes to how many published records have each facet token: the count of a token is the
    sum of its rows, only inserted by the triggers (never updated, so concurrent writes take no
    lock on them) and folded together once they are many."""

    registry_role = "internal"

    token = models.CharField(max_length=40, db_index=True)  # a fold reads a changed token's rows
    count = models.IntegerField()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.token}: {self.count:+d}"
