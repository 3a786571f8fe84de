"""Partners, people and partnerships."""

from __future__ import annotations

from collections.abc import Collection

from django.contrib.contenttypes.fields import GenericRelation
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Upper
from django.urls import reverse

from registry.fields import (
    LineField,
    WebAddressField,
    WindowedDateField,
    end_after_start_check,
    single_line_check,
    window_check,
)
from registry.models import FacetTokenCount, FacetTokens, SourceLink
from registry.workflow import (
    HISTORY_QUIET_FIELDS,
    DatePrecision,
    PublishableModel,
    PublishableQuerySet,
    SearchableModel,
    SluggedModel,
    Status,
    name_trigram_index,
    public_order_index,
    record_meta,
    track_history,
    truncate_date,
)
from vocabularies import models as vocabularies
from vocabularies.identifiers import (
    ROR_PATTERN,
    WIKIDATA_PATTERN,
    normalise_ror_id,
    normalise_wikidata_id,
    validate_iati_identifier,
    validate_org_identifier,
    validate_ror_id,
    validate_wikidata_id,
)

# Public records


@track_history(quiet=HISTORY_QUIET_FIELDS)
class Partner(SluggedModel, SearchableModel, PublishableModel):
    """An organisation taking part in South-South and triangular cooperation."""

    name = LineField(max_length=300, help_text="The organisation's name in English.")
    acronym = LineField(max_length=40, blank=True)
    slug = models.SlugField(max_length=120, unique=True, blank=True)
    organisation_type = models.ForeignKey(
        vocabularies.OrganisationType, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    country = models.ForeignKey(
        vocabularies.Country,
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
    ror_id = LineField(
        "ROR ID",
        max_length=50,  # room for the https://ror.org/ address, which clean_fields() reduces to the ID
        blank=True,
        validators=[validate_ror_id],
        help_text="The Research Organization Registry's ID, e.g. 03vek6s52 (https://ror.org/ addresses are "
        "accepted).",
    )
    wikidata_id = LineField(
        "Wikidata QID",
        max_length=60,  # room for the Wikidata address, which clean_fields() reduces to the QID
        blank=True,
        validators=[validate_wikidata_id],
        help_text="The Wikidata item, e.g. Q1065 for the United Nations.",
    )
    iati_identifier = LineField(
        "IATI organisation identifier",
        max_length=100,
        blank=True,
        validators=[validate_iati_identifier],
        help_text="The identifier the organisation publishes under in IATI, e.g. XM-DAC-41114 for UNDP.",
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
    slug_source = ("acronym", "name")

    Meta = record_meta(
        "partner",
        ordering=["name", "id"],
        permissions=[("merge_partner", "Can merge a duplicate partner into another")],
        indexes=[
            name_trigram_index("partner"),
            # The matcher's acronym evidence (partnerships.matching).
            models.Index(Upper("acronym"), condition=~models.Q(acronym=""), name="partner_acronym_upper"),
        ],
        constraints=[
            single_line_check("partner", "name", "acronym", "identifier", "iati_identifier"),
            models.UniqueConstraint(
                Upper("identifier"),
                condition=~models.Q(identifier=""),
                name="partner_identifier_unique",
                violation_error_message="Another partner already has this organisation identifier.",
            ),
            models.UniqueConstraint(
                Upper("iati_identifier"),
                condition=~models.Q(iati_identifier=""),
                name="partner_iati_identifier_unique",
                violation_error_message="Another partner already has this IATI organisation identifier.",
            ),
            models.UniqueConstraint(
                "ror_id",
                condition=~models.Q(ror_id=""),
                name="partner_ror_id_unique",
                violation_error_message="Another partner already has this ROR ID.",
            ),
            models.UniqueConstraint(
                "wikidata_id",
                condition=~models.Q(wikidata_id=""),
                name="partner_wikidata_id_unique",
                violation_error_message="Another partner already has this Wikidata QID.",
            ),
            # The shapes the validators check, for writes that bypass them (the checksum is theirs).
            models.CheckConstraint(
                condition=models.Q(ror_id="") | models.Q(ror_id__regex=ROR_PATTERN),
                name="partner_ror_id_shape",
                violation_error_message="Enter a ROR ID of nine characters, such as 03vek6s52.",
            ),
            models.CheckConstraint(
                condition=models.Q(wikidata_id="") | models.Q(wikidata_id__regex=WIKIDATA_PATTERN),
                name="partner_wikidata_id_shape",
                violation_error_message="Enter a Wikidata item's Q-number, such as Q1065.",
            ),
        ],
    )

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def summary_text(self) -> str:
        """One or two sentences about the partner, for link previews."""
        return self.description or f"{self.name}, a partner in South-South and triangular cooperation."

    def get_absolute_url(self) -> str:
        return reverse("partnerships:partner-detail", kwargs={"slug": self.slug})

    def external_identifiers(self) -> list[tuple[str, str, str]]:
        """(register, identifier, its address there) of each identifier the partner has, for its page
        and its JSON-LD `sameAs`; the org-id has no page of its own (its address is "")."""
        found = [
            ("org-id", self.identifier, ""),
            ("ROR", self.ror_id, f"https://ror.org/{self.ror_id}"),
            ("Wikidata", self.wikidata_id, f"https://www.wikidata.org/wiki/{self.wikidata_id}"),
            (
                "IATI",
                self.iati_identifier,
                f"https://d-portal.org/ctrack.html?publisher={self.iati_identifier}",
            ),
        ]
        return [entry for entry in found if entry[1]]

    def clean_fields(self, exclude: Collection[str] | None = None) -> None:
        # Identifiers as written, before their validators see them: upper-case org-ids, bare ROR
        # IDs and Q-numbers for their addresses.
        self.identifier = self.identifier.strip().upper()
        self.iati_identifier = self.iati_identifier.strip().upper()
        self.ror_id = normalise_ror_id(self.ror_id)
        self.wikidata_id = normalise_wikidata_id(self.wikidata_id)
        super().clean_fields(exclude=exclude)

    def clean(self) -> None:
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": "A partner cannot be its own parent."})


@track_history()
class PartnerName(models.Model):
    """Another name a partner is known by: a translation, a former name, a variant spelling."""

    registry_role = "part"

    class Kind(models.TextChoices):
        TRANSLATION = "translation", "Name in another language"
        FORMER = "former", "Former name"
        VARIANT = "variant", "Variant or informal name"

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="alternative_names")
    name = LineField(max_length=300)
    language = models.ForeignKey(vocabularies.Language, null=True, blank=True, on_delete=models.PROTECT)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.TRANSLATION)

    class Meta:
        ordering = ["partner", "name"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "name"], name="partnername_unique_per_partner"),
            single_line_check("partnername", "name"),
        ]
        indexes = [name_trigram_index("partnername")]

    def __str__(self) -> str:
        return self.name


@track_history()
class PartnerRelation(models.Model):
    """A dated relation between two organisations, stored once and read from both sides (ROR's
    relationship types): `related` was this partner's parent (now ended: the current parent is
    `Partner.parent`), or `related` preceded it (this partner is its successor: a renaming, a
    merger, a replacement).

    Children and successors are the same rows read from the other side (`OrganisationRelation`)."""

    registry_role = "part"

    class Kind(models.TextChoices):
        PARENT = "parent", "Former parent (belonged to, or was hosted by)"
        PREDECESSOR = "predecessor", "Predecessor (this organisation succeeded it)"

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="relations")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    related = models.ForeignKey(
        Partner, on_delete=models.CASCADE, related_name="inverse_relations", verbose_name="organisation"
    )
    start_date = WindowedDateField(null=True, blank=True, help_text="When the relation began, if known.")
    end_date = WindowedDateField(
        null=True,
        blank=True,
        help_text="When it ended: a former parent needs one. For a predecessor, leave empty (the "
        "start date is when this organisation took over).",
    )

    class Meta:
        ordering = ["partner", "kind", "start_date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["partner", "kind", "related"], name="partnerrelation_unique"),
            models.CheckConstraint(
                condition=~models.Q(partner=models.F("related")),
                name="partnerrelation_not_itself",
                violation_error_message="An organisation cannot be related to itself.",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="parent") | models.Q(end_date__isnull=False),
                name="partnerrelation_former_parent_ended",
                violation_error_message="A former parent needs the date the relation ended; the current "
                "parent is the partner's Parent organisation.",
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["parent", "predecessor"]),
                name="partnerrelation_kind",
                violation_error_message="Choose a former parent or a predecessor.",
            ),
            window_check("partnerrelation", "start_date", "end_date"),
            end_after_start_check("partnerrelation"),
        ]

    def __str__(self) -> str:
        return f"{self.partner}: {self.get_kind_display().split(' (')[0].lower()} {self.related}"

    def clean(self) -> None:
        if self.kind == self.Kind.PREDECESSOR and self.related_id and self.partner_id:
            inverse = PartnerRelation.objects.filter(
                partner_id=self.related_id, related_id=self.partner_id, kind=self.Kind.PREDECESSOR
            )
            if inverse.exists():
                raise ValidationError(
                    {"related": "That organisation is already recorded as this one's successor."}
                )


class OrganisationRelation(models.Model):
    """Every relation of a partner, read from its side (a database view, `partnerships_relations`):
    its current parent (`Partner.parent`) and children, and the stored relations both ways (a
    former parent's former children, a predecessor's successors). Read only; the view is created in
    partnerships/migrations/0001_initial.py."""

    class Kind(models.TextChoices):
        PARENT = "parent", "Parent"
        CHILD = "child", "Child"
        PREDECESSOR = "predecessor", "Predecessor"
        SUCCESSOR = "successor", "Successor"

    # A parent or child relation with an end is a former one; a succession is for good.
    FORMER = models.Q(kind__in=(Kind.PARENT, Kind.CHILD), end_date__isnull=False)

    id = models.BigIntegerField(primary_key=True)
    partner = models.ForeignKey(Partner, on_delete=models.DO_NOTHING, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    related = models.ForeignKey(Partner, on_delete=models.DO_NOTHING, related_name="+")
    start_date = models.DateField(null=True)
    end_date = models.DateField(null=True)

    class Meta:
        managed = False
        db_table = "partnerships_relations"
        ordering = ["partner", "kind", "start_date", "id"]

    def __str__(self) -> str:
        return f"{self.partner_id} {self.kind} {self.related_id}"

    @property
    def is_former(self) -> bool:
        """A parent or child it no longer is (see FORMER)."""
        return self.end_date is not None and self.kind in (self.Kind.PARENT, self.Kind.CHILD)


@track_history(quiet=HISTORY_QUIET_FIELDS)
class Person(SluggedModel, PublishableModel):
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
    slug_source = ("name",)

    Meta = record_meta(
        "person",
        ordering=["name", "id"],
        searchable=False,
        constraints=[single_line_check("person", "name", "position")],
        verbose_name_plural="people",
    )

    def __str__(self) -> str:
        return self.name


class PartnershipQuerySet(PublishableQuerySet):
    def active_on(self, day) -> PartnershipQuerySet:
        """Partnerships that had started by `day` and had not ended before it."""
        return self.filter(
            models.Q(start_date__isnull=True) | models.Q(start_date__lte=day),
            models.Q(end_date__isnull=True) | models.Q(end_date__gte=day),
        )


@track_history(quiet=HISTORY_QUIET_FIELDS)
class Partnership(SluggedModel, SearchableModel, PublishableModel):
    """A cooperation between partners, with its aims, places, goals and participants."""

    title = LineField(max_length=300)
    slug = models.SlugField(max_length=120, unique=True, blank=True)
    summary = LineField(max_length=600, blank=True, help_text="One or two sentences.")
    objective = models.TextField(blank=True, help_text="The partnership's stated objective.")
    description = models.TextField(blank=True)
    modalities = models.ManyToManyField(
        vocabularies.Modality,
        blank=True,
        help_text="South-South, triangular, North-South, multi-stakeholder.",
    )
    activity_status = models.ForeignKey(
        vocabularies.ActivityStatus,
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
    platforms = models.ManyToManyField(vocabularies.Platform, blank=True, related_name="partnerships")
    sdgs = models.ManyToManyField(
        vocabularies.SustainableDevelopmentGoal, blank=True, related_name="partnerships", verbose_name="SDGs"
    )
    sdg_targets = models.ManyToManyField(
        vocabularies.SDGTarget, blank=True, related_name="partnerships", verbose_name="SDG targets"
    )
    countries = models.ManyToManyField(
        vocabularies.Country,
        blank=True,
        related_name="partnerships",
        help_text="Countries the partnership covers.",
    )
    regions = models.ManyToManyField(
        vocabularies.Region,
        blank=True,
        related_name="partnerships",
        help_text="Regions the partnership covers.",
    )
    themes = models.ManyToManyField(vocabularies.Theme, blank=True, related_name="partnerships")
    sources = GenericRelation(SourceLink)

    objects = PartnershipQuerySet.as_manager()

    Meta = record_meta(
        "partnership",
        ordering=["-start_date", "title", "id"],
        indexes=[public_order_index("partnership", ["-published_at", "-id"], suffix="newest")],
        constraints=[
            single_line_check("partnership", "title", "summary"),
            window_check("partnership", "start_date", "end_date"),
            end_after_start_check("partnership"),
        ],
    )

    def __str__(self) -> str:
        return self.title

    def summary_text(self) -> str:
        """One or two sentences about the partnership, for link previews."""
        return self.summary or self.objective or self.description

    def get_absolute_url(self) -> str:
        return reverse("partnerships:partnership-detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        self.start_date = truncate_date(self.start_date, self.start_date_precision)
        self.end_date = truncate_date(self.end_date, self.end_date_precision)
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "The end date cannot be before the start date."})

    def publish_warnings(self) -> list[str]:
        """Participants that are not published: left out of the public page, the API and exports."""
        hidden = (
            Partner.objects.filter(participations__partnership=self)
            .exclude(status=Status.PUBLISHED)
            .order_by("name")
            .distinct()
        )
        names = [f"“{partner}” ({partner.get_status_display().lower()})" for partner in hidden]
        if not names:
            return []
        return [
            f"“{self}” names partners that are not published: {', '.join(names)}. They are left out "
            "of its public page, the API and the exports until they are published."
        ]


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

    registry_role = "part"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="participations")
    partner = models.ForeignKey(Partner, on_delete=models.PROTECT, related_name="participations")
    role = models.ForeignKey(
        vocabularies.OrganisationRole,
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


class PartnershipFacets(FacetTokens):
    """The facet values of one partnership, as tokens `facet:value` (`platform:12`, `region:002`),
    written only by the database (the triggers in `partnerships/migrations/0001_initial.py`).

    Triggers on the partnership, its link tables, its participations, partners, countries and
    regions rewrite the row whenever what a facet counts changes, on every write path (the ORM,
    `QuerySet.update()`, bulk writes, raw SQL). The tokens follow the facets' rules: a draft
    partner's country, type and regions are not among them. `published` copies the partnership's
    status, for the stored counts of every published partnership (`PartnershipFacetCount`).
    """

    partnership = models.OneToOneField(
        Partnership, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )

    def __str__(self) -> str:
        return f"facets of partnership {self.partnership_id}"


class PartnershipFacetCount(FacetTokenCount):
    """Changes to how many published partnerships have each facet token: the count of a token is
    the sum of its rows. Triggers on `PartnershipFacets` add a row per token for each statement
    that changes it (never updating one, so concurrent writes take no lock on them), and fold the
    rows together once they are many."""
