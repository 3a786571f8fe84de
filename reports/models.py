"""Publications: reports, strategies, news articles, policy briefs, and their language versions."""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import prefetch_related_objects
from django.urls import reverse

from partnerships.models import Partner, Partnership, Person
from registry.fields import LineField, WebAddressField, WindowedDateField, single_line_check, window_check
from registry.models import FacetTokenCount, FacetTokens, SourceLink
from registry.workflow import (
    HISTORY_QUIET_FIELDS,
    DatePrecision,
    PublishableModel,
    PublishableQuerySet,
    SearchableModel,
    SluggedModel,
    record_meta,
    track_history,
    truncate_date,
)
from vocabularies.models import DocumentCategory, Language, Region, SustainableDevelopmentGoal, Theme

from .uploads import publication_file_path, validate_publication_file


@track_history()
class Series(SluggedModel):
    """A publication series, such as 'South-South and Triangular Cooperation in Action'."""

    registry_role = "vocabulary"
    slug_source = ("name",)

    name = LineField(max_length=300, unique=True)
    slug = models.SlugField(max_length=120, unique=True, blank=True)
    publisher = models.ForeignKey(
        Partner, null=True, blank=True, on_delete=models.SET_NULL, related_name="series"
    )
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "series"

    def __str__(self) -> str:
        return self.name


class PublicationQuerySet(PublishableQuerySet):
    def with_title_languages(self) -> list[Publication]:
        """The publications, each with `versions` and `title_language` set (one more query)."""
        return with_title_languages(list(self.prefetch_related("language_versions")))

    def in_language(self, code: str) -> PublicationQuerySet:
        """Publications with a version in the language `code` (ISO 639-1)."""
        return self.filter(language_versions__language=code).distinct()


@track_history(quiet=HISTORY_QUIET_FIELDS)
class Publication(SluggedModel, SearchableModel, PublishableModel):
    """A document: a report, a strategy, a news article, with every language it exists in."""

    class Type(models.TextChoices):
        REPORT = "report", "Report"
        STRATEGY = "strategy", "Strategy"
        NEWS = "news", "News article"
        POLICY_BRIEF = "policy_brief", "Policy brief"
        CASE_STUDY = "case_study", "Case study"
        OUTCOME_DOCUMENT = "outcome_document", "Outcome document"
        RESOLUTION = "resolution", "Resolution"
        OTHER = "other", "Other"

    class LaunchType(models.TextChoices):
        LAUNCHED = "launched", "Launched at"
        ADOPTED = "adopted", "Adopted at"
        PRESENTED = "presented", "Presented at"

    title = LineField(max_length=400, help_text="The title in the original language.")
    slug = models.SlugField(max_length=120, unique=True, blank=True)
    publication_type = models.CharField("type", max_length=20, choices=Type.choices)
    document_category = models.ForeignKey(
        DocumentCategory,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="IATI DocumentCategory, used in IATI exports.",
    )
    summary = models.TextField(blank=True)
    publication_date = WindowedDateField(null=True, blank=True)
    publication_date_precision = models.CharField(
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text="How precisely the source gives the date (for '2004' choose Year).",
    )
    series = models.ForeignKey(
        Series, null=True, blank=True, on_delete=models.SET_NULL, related_name="publications"
    )
    document_symbol = LineField(max_length=60, blank=True, help_text="The UN document symbol, if it has one.")
    authors = models.ManyToManyField(Person, through="Authorship", related_name="publications")
    organisations = models.ManyToManyField(
        Partner, through="PublicationOrganisation", related_name="publications"
    )
    launched_at = models.ForeignKey(
        "events.Event",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="launched_publications",
        help_text="The event where the publication was launched, adopted or presented.",
    )
    launch_type = models.CharField(
        max_length=10, choices=LaunchType.choices, default=LaunchType.LAUNCHED, blank=True
    )
    partnerships = models.ManyToManyField(Partnership, blank=True, related_name="publications")
    sdgs = models.ManyToManyField(
        SustainableDevelopmentGoal, blank=True, related_name="publications", verbose_name="SDGs"
    )
    regions = models.ManyToManyField(
        Region, blank=True, related_name="publications", help_text="Regions the publication covers."
    )
    themes = models.ManyToManyField(Theme, blank=True, related_name="publications")
    # Events the publication belongs with (its app builds on events, so the link is declared here;
    # an event's page and admin reach it as `event.publications`).
    related_events = models.ManyToManyField("events.Event", blank=True, related_name="publications")
    sources = GenericRelation(SourceLink)

    objects = PublicationQuerySet.as_manager()

    Meta = record_meta(
        "publication",
        ordering=["-publication_date", "title", "id"],
        constraints=[
            single_line_check("publication", "title"),
            window_check("publication", "publication_date"),
        ],
    )

    def __str__(self) -> str:
        return self.title

    def summary_text(self) -> str:
        """The publication's summary, for link previews."""
        return self.summary

    def get_absolute_url(self) -> str:
        return reverse("reports:publication-detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        self.publication_date = truncate_date(self.publication_date, self.publication_date_precision)


for _field, _name in [
    ("partnerships", "PublicationPartnershipHistory"),
    ("sdgs", "PublicationSDGHistory"),
    ("regions", "PublicationRegionHistory"),
    ("themes", "PublicationThemeHistory"),
    ("related_events", "EventPublicationHistory"),
]:
    track_history(name=_name)(Publication._meta.get_field(_field).remote_field.through)


@track_history()
class Authorship(models.Model):
    """A person's authorship of a publication, in author order."""

    registry_role = "part"

    class Role(models.TextChoices):
        AUTHOR = "author", "Author"
        EDITOR = "editor", "Editor"
        CONTRIBUTOR = "contributor", "Contributor"

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="authorships")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="authorships")
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.AUTHOR)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["publication", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["publication", "person", "role"], name="authorship_unique_role")
        ]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_role_display()})"


@track_history()
class PublicationOrganisation(models.Model):
    """An organisation's part in a publication: publisher, author organisation or subject."""

    registry_role = "part"

    class Role(models.TextChoices):
        PUBLISHER = "publisher", "Publisher"
        AUTHOR = "author", "Author organisation"
        SUBJECT = "subject", "Subject"
        PARTNER = "partner", "In cooperation with"
        FUNDER = "funder", "Funder"

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="organisation_roles")
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="publication_roles")
    role = models.CharField(max_length=12, choices=Role.choices)

    class Meta:
        ordering = ["publication", "role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "partner", "role"], name="publicationorganisation_unique_role"
            )
        ]

    def __str__(self) -> str:
        return f"{self.partner} ({self.get_role_display()})"


@track_history()
class LanguageVersion(models.Model):
    """The publication in one language: its title there, and where to read it."""

    registry_role = "part"

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="language_versions")
    language = models.ForeignKey(Language, on_delete=models.PROTECT, related_name="+")
    title = LineField(max_length=400, help_text="The title in this language.")
    url = WebAddressField(max_length=500, blank=True)
    file = models.FileField(
        upload_to=publication_file_path,
        blank=True,
        validators=[validate_publication_file],
        help_text="PDF, Word, OpenDocument, EPUB, Excel, PowerPoint or text; see the size limit in settings.",
    )
    is_original = models.BooleanField(
        default=False, help_text="The language the publication was first written in."
    )

    class Meta:
        ordering = ["publication", "-is_original", "language", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "language"],
                name="languageversion_unique_language",
                violation_error_message="The publication already has a version in this language.",
            ),
            single_line_check("languageversion", "title"),
        ]

    def __str__(self) -> str:
        return f"{self.title} [{self.language_id}]"


@track_history()
class PublicationRelation(models.Model):
    """A typed link from one publication to another (DataCite relation types)."""

    registry_role = "part"

    class Type(models.TextChoices):
        IS_TRANSLATION_OF = "is_translation_of", "Is translation of"
        IS_DERIVED_FROM = "is_derived_from", "Builds on"
        IS_NEW_VERSION_OF = "is_new_version_of", "Is new version of"
        IS_PART_OF = "is_part_of", "Is part of"
        REFERENCES = "references", "References"

    source = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="relations")
    target = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="inverse_relations")
    relation_type = models.CharField("type", max_length=20, choices=Type.choices)
    note = LineField(max_length=300, blank=True)

    class Meta:
        ordering = ["source", "relation_type", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "target", "relation_type"], name="publicationrelation_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(source=models.F("target")),
                name="publicationrelation_not_self",
                violation_error_message="A publication cannot be related to itself.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.get_relation_type_display().lower()} {self.target}"

    def clean(self) -> None:
        if self.source_id and self.source_id == self.target_id:
            raise ValidationError({"target": "A publication cannot be related to itself."})


def with_title_languages(publications: list[Publication]) -> list[Publication]:
    """Set `versions` and `title_language` (the original version's language, for `lang`) on each.

    Expects `language_versions` prefetched, or prefetches them (one query for the whole list).
    """
    prefetch_related_objects(
        [p for p in publications if "language_versions" not in getattr(p, "_prefetched_objects_cache", {})],
        "language_versions",
    )
    for publication in publications:
        versions = list(publication.language_versions.all())
        original = next((v for v in versions if v.is_original), versions[0] if versions else None)
        publication.title_language = original.language_id if original else ""
        publication.versions = versions
    return publications


class PublicationFacets(FacetTokens):
    """A publication's facet tokens (`type:report`, `year:2019`, `language:fr`, `series:3`,
    `partner:12`: published partners only), written by the triggers in
    `reports/migrations/0001_initial.py`."""

    publication = models.OneToOneField(
        Publication, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )

    def __str__(self) -> str:
        return f"facets of publication {self.publication_id}"


class PublicationFacetCount(FacetTokenCount):
    """Changes to how many published publications have each facet token, summed per token (as
    `PartnershipFacetCount`): rows only inserted by the triggers, folded once they are many."""
