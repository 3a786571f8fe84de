"""Partners, people, partnerships and the reference vocabularies they are described with."""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import get_language

from .base import (
    HISTORY_QUIET_FIELDS,
    SEARCH_FIELDS,
    DatePrecision,
    PublishableModel,
    PublishableQuerySet,
    SearchableModel,
    public_order_index,
    published_constraint,
    search_indexes,
    track_history,
    truncate_date,
    version_trigger,
    workflow_permissions,
)
from .fields import (
    LineField,
    WebAddressField,
    WindowedDateField,
    single_line_check,
    window_check,
)
from .identifiers import validate_org_identifier

# Reference vocabularies. Codes are primary keys so that API clients, imports and IATI exports
# all speak the same codes as the source lists.


class Region(models.Model):
    """A UN M49 geographic region, sub-region or intermediate region."""

    class Level(models.TextChoices):
        REGION = "region", "Region"
        SUBREGION = "subregion", "Sub-region"
        INTERMEDIATE = "intermediate", "Intermediate region"

    code = models.CharField("M49 code", max_length=3, primary_key=True)
    name = models.CharField(max_length=100)
    level = models.CharField(max_length=16, choices=Level.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def descendant_codes(self) -> list[str]:
        """This region's code and those of every region inside it."""
        codes = [self.code]
        frontier = [self.code]
        while frontier:
            frontier = list(Region.objects.filter(parent__in=frontier).values_list("code", flat=True))
            codes.extend(frontier)
        return codes


class Country(models.Model):
    """A country or territory (ISO 3166-1) with its UN M49 grouping."""

    code = models.CharField("ISO alpha-2", max_length=2, primary_key=True)
    alpha3 = models.CharField("ISO alpha-3", max_length=3, unique=True)
    numeric = models.CharField("M49 / ISO numeric", max_length=3, unique=True)
    name = models.CharField(max_length=100)
    name_fr = models.CharField("name (French)", max_length=100, blank=True)
    name_es = models.CharField("name (Spanish)", max_length=100, blank=True)
    region = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    subregion = models.ForeignKey(Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    intermediate_region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    is_ldc = models.BooleanField("LDC", default=False, help_text="Least developed country (UN).")
    is_lldc = models.BooleanField("LLDC", default=False, help_text="Landlocked developing country (UN).")
    is_sids = models.BooleanField("SIDS", default=False, help_text="Small island developing state (UN).")
    global_south = models.BooleanField(
        "Global South",
        default=False,
        help_text="A curated classification: see the source and date beside it.",
    )
    global_south_source = models.CharField(
        max_length=200, blank=True, help_text="Which list the Global South flag follows."
    )
    global_south_as_of = models.DateField(
        null=True, blank=True, help_text="The date of the list the flag was taken from."
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "countries"

    def __str__(self) -> str:
        return self.name

    def region_codes(self) -> list[str]:
        return [r for r in (self.region_id, self.subregion_id, self.intermediate_region_id) if r]

    @property
    def local_name(self) -> str:
        """The name in the interface language (French or Spanish when known), else in English."""
        return localised_country_name(self.name, self.name_fr, self.name_es)


def localised_country_name(name: str, name_fr: str = "", name_es: str = "") -> str:
    """Of a country's English, French and Spanish names, the one for the active language."""
    language = (get_language() or "en")[:2]
    return {"fr": name_fr, "es": name_es}.get(language) or name


class SustainableDevelopmentGoal(models.Model):
    """One of the 17 UN Sustainable Development Goals."""

    # The validators say what the constraint says, so forms and the API schema give 1 to 17 too.
    code = models.PositiveSmallIntegerField(
        primary_key=True, validators=[MinValueValidator(1), MaxValueValidator(17)]
    )
    title = models.CharField(max_length=300, help_text="The official title of the goal.")
    short_title = models.CharField(max_length=60)
    colour = models.CharField(max_length=7, help_text="The goal's official colour, as #RRGGBB.")

    class Meta:
        ordering = ["code"]
        verbose_name = "SDG"
        verbose_name_plural = "SDGs"
        constraints = [
            models.CheckConstraint(condition=models.Q(code__gte=1, code__lte=17), name="sdg_code_1_to_17")
        ]

    def __str__(self) -> str:
        return f"SDG {self.code}: {self.short_title}"


class SDGTarget(models.Model):
    """One of the 169 SDG targets, such as 17.6 or 1.a."""

    code = models.CharField(max_length=6, primary_key=True)
    goal = models.ForeignKey(SustainableDevelopmentGoal, on_delete=models.PROTECT, related_name="targets")
    title = models.TextField()
    sort_key = models.PositiveIntegerField(editable=False, default=0)

    class Meta:
        ordering = ["sort_key"]
        verbose_name = "SDG target"

    def __str__(self) -> str:
        return f"Target {self.code}"

    def save(self, *args, **kwargs) -> None:
        self.sort_key = sdg_target_sort_key(self.code)
        super().save(*args, **kwargs)


def sdg_target_sort_key(code: str) -> int:
    """Order 1.1 < 1.2 < 1.10 < 1.a, as the official list does."""
    goal, target = code.split(".")
    number = int(target) if target.isdigit() else 100 + ord(target) - ord("a")
    return int(goal) * 1000 + number


class CodelistEntry(models.Model):
    """An entry of an IATI codelist."""

    code = models.CharField(max_length=10, primary_key=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class OrganisationType(CodelistEntry):
    """IATI OrganisationType: Government, Multilateral, Foundation, ..."""


class OrganisationRole(CodelistEntry):
    """IATI OrganisationRole: Funding, Accountable, Extending, Implementing."""


class ActivityStatus(CodelistEntry):
    """IATI ActivityStatus: Pipeline, Implementation, Finalisation, Closed, ..."""

    class Meta(CodelistEntry.Meta):
        verbose_name_plural = "activity statuses"


class DocumentCategory(CodelistEntry):
    """IATI DocumentCategory: B01 Annual report, B02 Institutional Strategy paper, ..."""

    category = models.CharField(max_length=1, help_text="A: activity level, B: organisation level.")

    class Meta(CodelistEntry.Meta):
        verbose_name_plural = "document categories"


class Language(models.Model):
    """A language by its ISO 639-1 code."""

    code = models.CharField("ISO 639-1 code", max_length=3, primary_key=True)
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Modality(models.Model):
    """A form of cooperation: South-South, triangular, North-South, multi-stakeholder."""

    code = models.SlugField(max_length=30, primary_key=True)
    name = models.CharField(max_length=60)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "modalities"

    def __str__(self) -> str:
        return self.name


class Platform(models.Model):
    """A stakeholder platform a partnership works through (Cities, Financial Sector, ...)."""

    slug = models.SlugField(max_length=80, unique=True)
    name = LineField(max_length=120, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Theme(models.Model):
    """A theme or keyword records are tagged with, such as 'green economy'."""

    slug = models.SlugField(max_length=80, unique=True)
    name = LineField(max_length=120, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = slugify(self.name)[:80]
        super().save(*args, **kwargs)


@track_history()
class SourceLink(models.Model):
    """A source a record's facts come from: a web page, a UN document, a codelist."""

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

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    changed_at = models.DateTimeField()

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="registrychange_single_row")]

    def __str__(self) -> str:
        return f"Last change {self.changed_at:%Y-%m-%d %H:%M:%S}"


class SearchWord(models.Model):
    """A word of the records' search documents: the vocabulary spelling suggestions come from.

    Written by `partnerships.search.search_index_update` with the documents, never edited. Words of
    unpublished records are here too; a suggestion is only offered when the corrected search finds
    published records, so it reveals nothing they do not already show.
    """

    word = models.CharField(max_length=60, primary_key=True)

    class Meta:
        indexes = [GinIndex(fields=["word"], opclasses=["gin_trgm_ops"], name="searchword_trgm")]

    def __str__(self) -> str:
        return self.word


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


# Public records


@track_history(quiet=HISTORY_QUIET_FIELDS)
class Partner(SearchableModel, PublishableModel):
    """An organisation taking part in South-South and triangular cooperation."""

    name = LineField(max_length=300, help_text="The organisation's name in English.")
    acronym = LineField(max_length=40, blank=True)
    slug = models.SlugField(max_length=120, unique=True, blank=True)
    organisation_type = models.ForeignKey(
        OrganisationType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    country = models.ForeignKey(
        Country,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="headquarters country",
    )
    identifier = LineField(
        "organisation identifier",
        max_length=100,
        blank=True,
        validators=[validate_org_identifier],
        help_text="In org-id.guide form PREFIX-ID, e.g. XM-DAC-41301 for FAO. Leave empty if unknown.",
    )
    website = WebAddressField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        verbose_name="parent organisation",
        help_text="The organisation this one belongs to or is hosted by (UNOSSC is hosted by UNDP).",
    )
    sources = GenericRelation(SourceLink)

    objects = PublishableQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        indexes = [*search_indexes("partner"), public_order_index("partner", ["name", "id"])]
        permissions = [
            *workflow_permissions("partner", "partner"),
            ("merge_partner", "Can merge a duplicate partner into another"),
        ]
        triggers = [version_trigger("partner", ignore=SEARCH_FIELDS)]
        constraints = [
            published_constraint("partner"),
            single_line_check("partner", "name", "acronym", "identifier"),
            models.UniqueConstraint(
                Upper("identifier"),
                condition=~models.Q(identifier=""),
                name="partner_identifier_unique",
                violation_error_message="Another partner already has this organisation identifier.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def get_absolute_url(self) -> str:
        return reverse("partnerships:partner-detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        self.identifier = self.identifier.strip().upper()
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": "A partner cannot be its own parent."})

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = unique_slug(self, self.acronym or self.name)
        super().save(*args, **kwargs)


@track_history()
class PartnerName(models.Model):
    """Another name a partner is known by: a translation, a former name, a variant spelling."""

    class Kind(models.TextChoices):
        TRANSLATION = "translation", "Name in another language"
        FORMER = "former", "Former name"
        VARIANT = "variant", "Variant or informal name"

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="alternative_names")
    name = LineField(max_length=300)
    language = models.ForeignKey(Language, null=True, blank=True, on_delete=models.PROTECT)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.TRANSLATION)

    class Meta:
        ordering = ["partner", "name"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "name"], name="partnername_unique_per_partner"),
            single_line_check("partnername", "name"),
        ]

    def __str__(self) -> str:
        return self.name


@track_history(quiet=HISTORY_QUIET_FIELDS)
class Person(PublishableModel):
    """A person named in the registry: an author, a speaker, a delegation member.

    Only public roles are recorded; no private contact data.
    """

    name = LineField(max_length=200)
    slug = models.SlugField(max_length=120, unique=True, blank=True)
    position = LineField(max_length=200, blank=True, help_text="Public title, e.g. 'Senior Adviser'.")
    affiliation = models.ForeignKey(
        Partner, null=True, blank=True, on_delete=models.SET_NULL, related_name="people"
    )
    sources = GenericRelation(SourceLink)

    objects = PublishableQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        indexes = [public_order_index("person", ["name", "id"])]
        verbose_name_plural = "people"
        permissions = workflow_permissions("person", "person")
        triggers = [version_trigger("person")]
        constraints = [published_constraint("person"), single_line_check("person", "name", "position")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = unique_slug(self, self.name)
        super().save(*args, **kwargs)


class PartnershipQuerySet(PublishableQuerySet):
    def active_on(self, day) -> PartnershipQuerySet:
        """Partnerships that had started by `day` and had not ended before it."""
        return self.filter(
            models.Q(start_date__isnull=True) | models.Q(start_date__lte=day),
            models.Q(end_date__isnull=True) | models.Q(end_date__gte=day),
        )


@track_history(quiet=HISTORY_QUIET_FIELDS)
class Partnership(SearchableModel, PublishableModel):
    """A cooperation between partners, with its aims, places, goals and participants."""

    title = LineField(max_length=300)
    slug = models.SlugField(max_length=120, unique=True, blank=True)
    summary = LineField(max_length=600, blank=True, help_text="One or two sentences.")
    objective = models.TextField(blank=True, help_text="The partnership's stated objective.")
    description = models.TextField(blank=True)
    modalities = models.ManyToManyField(
        Modality, blank=True, help_text="South-South, triangular, North-South, multi-stakeholder."
    )
    activity_status = models.ForeignKey(
        ActivityStatus,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="activity status",
        help_text="Where the partnership stands (IATI ActivityStatus), not the record's workflow.",
    )
    start_date = WindowedDateField(null=True, blank=True)
    start_date_precision = models.CharField(
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text="How precisely the source gives the start date (for '2007' choose Year).",
    )
    end_date = WindowedDateField(null=True, blank=True)
    end_date_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    partners = models.ManyToManyField(Partner, through="Participation", related_name="partnerships")
    platforms = models.ManyToManyField(Platform, blank=True, related_name="partnerships")
    sdgs = models.ManyToManyField(
        SustainableDevelopmentGoal, blank=True, related_name="partnerships", verbose_name="SDGs"
    )
    sdg_targets = models.ManyToManyField(
        SDGTarget, blank=True, related_name="partnerships", verbose_name="SDG targets"
    )
    countries = models.ManyToManyField(
        Country, blank=True, related_name="partnerships", help_text="Countries the partnership covers."
    )
    regions = models.ManyToManyField(
        Region, blank=True, related_name="partnerships", help_text="Regions the partnership covers."
    )
    themes = models.ManyToManyField(Theme, blank=True, related_name="partnerships")
    sources = GenericRelation(SourceLink)

    objects = PartnershipQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "title", "id"]
        indexes = [
            *search_indexes("partnership"),
            public_order_index("partnership", ["-start_date", "title", "id"]),
            public_order_index("partnership", ["-published_at", "-id"], suffix="newest"),
        ]
        permissions = workflow_permissions("partnership", "partnership")
        triggers = [version_trigger("partnership", ignore=SEARCH_FIELDS)]
        constraints = [
            published_constraint("partnership"),
            single_line_check("partnership", "title", "summary"),
            window_check("partnership", "start_date", "end_date"),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="partnership_end_after_start",
                violation_error_message="The end date cannot be before the start date.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("partnerships:partnership-detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        self.start_date = truncate_date(self.start_date, self.start_date_precision)
        self.end_date = truncate_date(self.end_date, self.end_date_precision)
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "The end date cannot be before the start date."})

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = unique_slug(self, self.title)
        super().save(*args, **kwargs)


class TriangularRole(models.TextChoices):
    """The OECD's roles in triangular co-operation."""

    BENEFICIARY = "beneficiary", "Beneficiary partner"
    PIVOTAL = "pivotal", "Pivotal partner"
    FACILITATING = "facilitating", "Facilitating partner"


# Tag changes (SDGs, countries, ...) are kept too: their link tables are tracked like any record.
for _field, _name in [
    ("modalities", "PartnershipModalityHistory"),
    ("platforms", "PartnershipPlatformHistory"),
    ("sdgs", "PartnershipSDGHistory"),
    ("sdg_targets", "PartnershipSDGTargetHistory"),
    ("countries", "PartnershipCountryHistory"),
    ("regions", "PartnershipRegionHistory"),
    ("themes", "PartnershipThemeHistory"),
]:
    track_history(name=_name)(Partnership._meta.get_field(_field).remote_field.through)


@track_history()
class Participation(models.Model):
    """A partner's part in a partnership, with its IATI role and, for triangular work, its OECD role."""

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="participations")
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="participations")
    role = models.ForeignKey(
        OrganisationRole,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="IATI organisation role: Funding, Accountable, Extending, Implementing.",
    )
    triangular_role = models.CharField(
        max_length=16,
        choices=TriangularRole.choices,
        blank=True,
        help_text="For triangular cooperation: beneficiary, pivotal or facilitating partner.",
    )
    description = LineField(
        max_length=300, blank=True, help_text="What the partner does, in the source's words."
    )

    class Meta:
        ordering = ["partnership", "role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "partner", "role"],
                name="participation_unique_role",
                nulls_distinct=False,
                violation_error_message="This partner already has this role in the partnership.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.partner} in {self.partnership}"


class PartnerRedirect(models.Model):
    """An old partner address that now leads, with a permanent redirect, to the partner it was merged into."""

    old_slug = models.SlugField(max_length=120, unique=True, help_text="The merged duplicate's slug.")
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="redirects")
    old_name = LineField(max_length=300, blank=True, help_text="The duplicate's name, for the record.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["old_slug"]

    def __str__(self) -> str:
        return f"{self.old_slug} → {self.partner.slug}"


class PartnershipFacets(models.Model):
    """The facet values of one partnership, as tokens `facet:value` (`platform:12`, `region:002`),
    written only by the database (migration `0019_partnership_facets_sql`).

    Triggers on the partnership, its link tables, its participations, partners, countries and
    regions rewrite the row whenever what a facet counts changes, on every write path (the ORM,
    `QuerySet.update()`, bulk writes, raw SQL). The tokens follow the facets' rules: a draft
    partner's country, type and regions are not among them. `published` copies the partnership's
    status, for the kept counts of every published partnership (`PartnershipFacetCount`).
    """

    partnership = models.OneToOneField(
        Partnership, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    published = models.BooleanField(default=False)
    tokens = ArrayField(models.CharField(max_length=40), default=list)

    def __str__(self) -> str:
        return f"facets of partnership {self.partnership_id}"


class PartnershipFacetCount(models.Model):
    """Changes to how many published partnerships have each facet token: the count of a token is
    the sum of its rows. Triggers on `PartnershipFacets` add a row per token for each statement
    that changes it (never updating one, so concurrent writes take no lock on them), and fold the
    rows together once they are many."""

    token = models.CharField(max_length=40)
    count = models.IntegerField()

    def __str__(self) -> str:
        return f"{self.token}: {self.count:+d}"
