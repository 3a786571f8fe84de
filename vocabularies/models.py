"""The reference vocabularies records are described with: UN M49 regions and countries, the SDGs and
their targets, IATI codelists, languages, modalities, platforms and themes."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.text import slugify
from django.utils.translation import get_language

from registry.fields import LineField

# Reference vocabularies. Codes are primary keys so that API clients, imports and IATI exports
# all speak the same codes as the source lists.


class VocabularyEntry(models.Model):
    """An entry of a reference vocabulary (its `registry_role`, see registry/groups.py), shown by its name."""

    registry_role = "vocabulary"

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return str(getattr(self, "name", self.pk))


class Region(VocabularyEntry):
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

    def descendant_codes(self) -> list[str]:
        """This region's code and those of every region inside it."""
        codes = [self.code]
        frontier = [self.code]
        while frontier:
            frontier = list(Region.objects.filter(parent__in=frontier).values_list("code", flat=True))
            codes.extend(frontier)
        return codes


class Country(VocabularyEntry):
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

    def region_codes(self) -> list[str]:
        return [r for r in (self.region_id, self.subregion_id, self.intermediate_region_id) if r]

    @property
    def local_name(self) -> str:
        """The name in the interface language (French or Spanish when known), else in English."""
        return localised_country_name(self.name, self.name_fr, self.name_es)


def _language_shown(french: str, spanish: str) -> str:
    """The language `localised_country_name` shows for these translations: fr, es, or en."""
    language = (get_language() or "en").split("-")[0]
    return language if {"fr": french, "es": spanish}.get(language) else "en"


def localised_country_name(name: str, name_fr: str = "", name_es: str = "") -> str:
    """Of a country's English, French and Spanish names, the one for the active language."""
    language = (get_language() or "en")[:2]
    return {"fr": name_fr, "es": name_es}.get(language) or name


class SustainableDevelopmentGoal(VocabularyEntry):
    """One of the 17 UN Sustainable Development Goals."""

    # The validators say what the constraint says, so forms and the API schema give 1 to 17 too.
    code = models.PositiveSmallIntegerField(
        primary_key=True, validators=[MinValueValidator(1), MaxValueValidator(17)]
    )
    title = models.CharField(max_length=300, help_text="The official title of the goal.")
    title_fr = models.CharField("title (French)", max_length=300, blank=True)
    title_es = models.CharField("title (Spanish)", max_length=300, blank=True)
    titles_source = models.CharField(
        max_length=300, blank=True, help_text="Where the French and Spanish titles come from, and their date."
    )
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

    def local_title(self) -> str:
        """The official title in the interface language (English when none is kept for it)."""
        return localised_country_name(self.title, self.title_fr, self.title_es)

    def local_title_language(self) -> str:
        return _language_shown(self.title_fr, self.title_es)


class SDGTarget(VocabularyEntry):
    """One of the 169 SDG targets, such as 17.6 or 1.a."""

    code = models.CharField(max_length=6, primary_key=True)
    goal = models.ForeignKey(SustainableDevelopmentGoal, on_delete=models.PROTECT, related_name="targets")
    title = models.TextField()
    title_fr = models.TextField("title (French)", blank=True)
    title_es = models.TextField("title (Spanish)", blank=True)
    titles_source = models.CharField(
        max_length=300, blank=True, help_text="Where the French and Spanish titles come from, and their date."
    )
    sort_key = models.PositiveIntegerField(editable=False, default=0)

    class Meta:
        ordering = ["sort_key"]
        verbose_name = "SDG target"

    def __str__(self) -> str:
        return f"Target {self.code}"

    def save(self, *args, **kwargs) -> None:
        self.sort_key = sdg_target_sort_key(self.code)
        super().save(*args, **kwargs)

    def local_title(self) -> str:
        """The official text in the interface language (English when none is kept for it)."""
        return localised_country_name(self.title, self.title_fr, self.title_es)

    def local_title_language(self) -> str:
        return _language_shown(self.title_fr, self.title_es)


def sdg_target_sort_key(code: str) -> int:
    """Order 1.1 < 1.2 < 1.10 < 1.a, as the official list does."""
    goal, target = code.split(".")
    number = int(target) if target.isdigit() else 100 + ord(target) - ord("a")
    return int(goal) * 1000 + number


class CodelistEntry(VocabularyEntry):
    """An entry of an IATI codelist."""

    code = models.CharField(max_length=10, primary_key=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)

    class Meta:
        abstract = True
        ordering = ["code"]


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


class Language(VocabularyEntry):
    """A language by its ISO 639-1 code."""

    code = models.CharField("ISO 639-1 code", max_length=3, primary_key=True)
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Modality(VocabularyEntry):
    """A form of cooperation: South-South, triangular, North-South, multi-stakeholder."""

    code = models.SlugField(max_length=30, primary_key=True)
    name = models.CharField(max_length=60)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "modalities"


class SlugNamedEntry(VocabularyEntry):
    """A vocabulary entry of the registry's own, named by a slug and a unique name."""

    slug = models.SlugField(max_length=80, unique=True)
    name = LineField(max_length=120, unique=True)

    class Meta:
        abstract = True
        ordering = ["name"]


class Platform(SlugNamedEntry):
    """A stakeholder platform a partnership works through (Cities, Financial Sector, ...)."""

    description = models.TextField(blank=True)


class Theme(SlugNamedEntry):
    """A theme or keyword records are tagged with, such as 'green economy'."""

    def save(self, *args, **kwargs) -> None:
        if not self.slug:
            self.slug = slugify(self.name)[:80]
        super().save(*args, **kwargs)
