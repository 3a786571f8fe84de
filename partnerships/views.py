"""Public pages and IATI files for partnerships and partners. Every queryset starts from `published()`."""

from __future__ import annotations

from typing import Any

from django.db.models import Model, Prefetch, QuerySet
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotFound,
    HttpResponsePermanentRedirect,
    StreamingHttpResponse,
)
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_safe
from django.views.generic import DetailView

from partnerships.models import OrganisationRelation, Participation, Partner, Partnership
from partnerships.services import merged_into
from registry.search_pages import FacetedSearchView, FacetGroup, FacetValue
from registry.workflow import Status
from vocabularies.models import Region, SDGTarget, SustainableDevelopmentGoal, localised_country_name

from .charts import partnership_charts, world_map
from .filters import PartnerFilter, PartnershipFilter
from .iati import activities_xml, organisations_xml, reportable_partners, reportable_partnerships


def published_parts(name: str, model: type[Model], linked: str, *related: str) -> Prefetch:
    """Prefetch a record's parts (`name`, rows of `model`) whose `linked` record is published,
    with that record and any other `related` ones: a draft is never named on a public page."""
    published = model.objects.filter(**{f"{linked}__status": Status.PUBLISHED})
    return Prefetch(name, queryset=published.select_related(linked, *related))


PUBLISHED_PARTICIPATIONS = published_parts(
    "participations", Participation, "partner", "partner__country", "partner__organisation_type", "role"
)


def localised_country_names() -> dict[str, str]:
    """ISO alpha-2 -> the country's name in the interface language (one query)."""
    from vocabularies.models import Country

    rows = Country.objects.values_list("code", "name", "name_fr", "name_es")
    return {code: localised_country_name(name, fr, es) for code, name, fr, es in rows}


def participants_of(partnership: Partnership) -> list[dict[str, Any]]:
    """Each published participant once, with all its roles (a partner may fund and implement)."""
    by_partner: dict[int, dict[str, Any]] = {}
    for participation in partnership.participations.all():
        entry = by_partner.setdefault(
            participation.partner_id, {"partner": participation.partner, "roles": [], "notes": []}
        )
        if participation.role:
            entry["roles"].append(participation.role.name)
        if participation.triangular_role:
            entry["roles"].append(participation.get_triangular_role_display())
        if participation.description and participation.description not in entry["notes"]:
            entry["notes"].append(participation.description)
    return list(by_partner.values())


class PartnershipListView(FacetedSearchView):
    """The partnership search: free text, facets with counts, sort, pages; every state an address."""

    heading = _lazy("Partnerships")
    search_label = _lazy("Search partnerships")
    filterset_class = PartnershipFilter
    default_ordering = "-start_date"

    @cached_property
    def goals(self) -> dict[int, SustainableDevelopmentGoal]:
        """The 17 goals by code, read once for the facet's colours and the records' chips."""
        return {goal.code: goal for goal in SustainableDevelopmentGoal.objects.order_by("code")}

    def facet_groups(self, counts: dict[str, list[dict[str, Any]]]) -> list[Any]:
        self.sdg_colours = {code: goal.colour for code, goal in self.goals.items()}
        self.country_names = localised_country_names() if get_language() != "en" else {}
        return super().facet_groups(counts)

    def facet_label(self, name: str, row: dict[str, Any]) -> str:
        if name == "sdg":
            return f"{row['value']}. {_(row['label'])}"
        if name == "country":
            return self.country_names.get(row["value"], row["label"])
        if name == "platform":
            return row["label"]  # curators' own names
        return super().facet_label(name, row)

    def facet_colour(self, name: str, row: dict[str, Any]) -> str:
        return self.sdg_colours.get(row["value"], "") if name == "sdg" else ""

    def decorate(self, records: list[Partnership]) -> list[Partnership]:
        # The list names each published partner once (by its acronym, or its name): two values
        # per participation, not the partner, country and role instances of the detail page.
        goals: dict[int, list[SustainableDevelopmentGoal]] = {}
        through = Partnership.sdgs.through.objects.filter(partnership__in=records)
        for partnership_id, code in through.order_by("sustainabledevelopmentgoal_id").values_list(
            "partnership_id", "sustainabledevelopmentgoal_id"
        ):
            goals.setdefault(partnership_id, []).append(self.goals[code])
        rows = (
            Participation.objects.filter(partnership__in=records, partner__status=Status.PUBLISHED)
            .order_by("partnership_id", "role", "id")
            .values_list("partnership_id", "partner__acronym", "partner__name")
        )
        names: dict[int, list[str]] = {}
        for partnership_id, acronym, name in rows:
            shown = names.setdefault(partnership_id, [])
            if (acronym or name) not in shown:
                shown.append(acronym or name)
        for partnership in records:
            partnership.partner_names = names.get(partnership.pk, [])
            partnership.goals = goals.get(partnership.pk, [])
        return records


class PartnershipDetailView(DetailView):
    template_name = "partnerships/partnership_detail.html"

    def get_queryset(self) -> QuerySet[Partnership]:
        # Events and publications link to partnerships (their apps build on this one), so their
        # models are reached through the reverse relations rather than imported.
        events = Partnership._meta.get_field("events").related_model
        publications = Partnership._meta.get_field("publications").related_model
        return (
            Partnership.objects.published()
            .prefetch_related(
                PUBLISHED_PARTICIPATIONS,
                "platforms",
                "sdgs",
                Prefetch("sdg_targets", queryset=SDGTarget.objects.order_by("sort_key")),
                "countries",
                "regions",
                "themes",
                "modalities",
                "sources",
                Prefetch(
                    "events",
                    queryset=events.objects.published().select_related("country").order_by("-start", "id"),
                ),
                Prefetch(
                    "publications",
                    queryset=publications.objects.published().order_by("-publication_date", "id"),
                ),
            )
            .select_related("activity_status")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        partnership = self.object
        targets_by_goal: dict[int, list[SDGTarget]] = {}
        for target in partnership.sdg_targets.all():
            targets_by_goal.setdefault(target.goal_id, []).append(target)
        context["participants"] = participants_of(partnership)
        context["sdgs"] = [(goal, targets_by_goal.get(goal.code, [])) for goal in partnership.sdgs.all()]
        countries = list(partnership.countries.all())
        context["countries"] = sorted(countries, key=lambda c: c.local_name)
        context["country_map"] = world_map(
            {c.numeric: 1 for c in countries},
            names={c.numeric: c.local_name for c in countries},
            focus=True,
            noun=lambda n: _("covered"),
        )
        return context


class PartnerListView(FacetedSearchView):
    """Partners: search by name, filter by type, country, region and Global South."""

    heading = _lazy("Partners")
    search_label = _lazy("Search partners by name or acronym")
    filterset_class = PartnerFilter
    paginate_by = 50
    sort_options = [("", _lazy("Name (A–Z)")), ("-updated_at", _lazy("Recently updated"))]
    default_ordering = "name"

    def get_queryset(self) -> QuerySet[Partner]:
        return Partner.objects.published().select_related("country", "organisation_type")

    def facet_groups(self, counts: dict[str, list[dict[str, Any]]]) -> list[Any]:
        self.country_names = localised_country_names() if get_language() != "en" else {}
        groups = super().facet_groups(counts)
        query = self.request.GET
        # Region and Global South filter without counts: the API offers no facet for them.
        regions = Region.objects.filter(level=Region.Level.REGION).order_by("name")
        chosen_regions = query.getlist("region")
        groups.append(
            FacetGroup(
                name="region",
                title=str(_("Region")),
                values=[
                    FacetValue(value=r.code, label=_(r.name), count=None, checked=r.code in chosen_regions)
                    for r in regions
                ],
            )
        )
        south = query.get("global_south", "")
        groups.append(
            FacetGroup(
                name="global_south",
                title=str(_("Global South")),
                kind="radio",
                values=[
                    FacetValue(value="", label=_("Any"), count=None, checked=south == ""),
                    FacetValue(
                        value="true",
                        label=_("Based in the Global South"),
                        count=None,
                        checked=south == "true",
                    ),
                    FacetValue(
                        value="false", label=_("Based elsewhere"), count=None, checked=south == "false"
                    ),
                ],
            )
        )
        return groups

    def chips(self, facets: list[Any]) -> list[Any]:
        return [chip for chip in super().chips(facets) if chip.label != _("Any")]

    def facet_label(self, name: str, row: dict[str, Any]) -> str:
        if name == "country":
            return self.country_names.get(row["value"], row["label"])
        return super().facet_label(name, row)


# How a partner's relations show on its page, in this order: (kind, ended, label).
RELATION_LABELS = [
    ("child", False, _lazy("Includes")),
    ("parent", True, _lazy("Formerly part of")),
    ("child", True, _lazy("Formerly included")),
    ("predecessor", False, _lazy("Succeeded")),
    ("successor", False, _lazy("Succeeded by")),
]


def relation_groups(partner: Partner) -> list[tuple[str, list[OrganisationRelation]]]:
    """The partner's published relations under their labels (RELATION_LABELS), in one query; the
    current parent shows as the page's "Part of"."""
    rows = (
        OrganisationRelation.objects.filter(partner=partner, related__status=Status.PUBLISHED)
        .exclude(kind="parent", end_date__isnull=True)
        .select_related("related")
        .order_by("start_date", "related__name", "id")
    )
    groups: dict[tuple[str, bool], list[OrganisationRelation]] = {}
    for row in rows:
        groups.setdefault((row.kind, row.is_former), []).append(row)
    return [
        (str(label), groups[kind, ended]) for kind, ended, label in RELATION_LABELS if (kind, ended) in groups
    ]


class PartnerDetailView(DetailView):
    template_name = "partnerships/partner_detail.html"

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            # A partner merged into another keeps its address: it answers with a permanent redirect.
            survivor = merged_into(kwargs["slug"])
            if survivor is None:
                raise
            return HttpResponsePermanentRedirect(survivor.get_absolute_url())

    def get_queryset(self):
        return Partner.objects.published().select_related("country", "organisation_type", "parent")

    def get_object(self, queryset=None):
        partner = super().get_object(queryset)
        if partner.parent_id and not partner.parent.is_published:
            partner.parent = None
        return partner

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        # As above: the events and publications apps build on this one.
        events = Partner._meta.get_field("events").related_model
        publications = Partner._meta.get_field("publications").related_model
        context = super().get_context_data(**kwargs)
        partner = self.object
        partnerships = Partnership.objects.published().filter(
            pk__in=Participation.objects.filter(partner=partner).values("partnership")
        )
        # The newest twenty; the search, filtered by this partner, has them all.
        context["partnerships"] = partnerships.order_by("-start_date", "title", "id")[:20]
        context["partnership_count"] = partnerships.count()
        context["events"] = (
            events.objects.published().by_partner(partner).select_related("country").order_by("-start", "id")
        )
        context["publications"] = (
            publications.objects.published()
            .filter(organisation_roles__partner=partner)
            .distinct()
            .order_by("-publication_date", "id")
            .with_title_languages()
        )
        context["alternative_names"] = partner.alternative_names.select_related("language")
        context["relations"] = relation_groups(partner)
        context["charts"] = partnership_charts(partnerships, within={"partner": partner.slug})
        return context


def _iati_response(
    reportable: QuerySet, chunks, *, excluded: int, filename: str
) -> StreamingHttpResponse | HttpResponse:
    if not reportable.exists():
        # The IATI schemas require at least one activity (organisation) in a file: an empty one
        # would be invalid, so say plainly that nothing matches.
        response: HttpResponse = HttpResponseNotFound(
            "No record matches that IATI can take (see X-IATI-Excluded for those left out).\n",
            content_type="text/plain; charset=utf-8",
        )
    else:
        response = StreamingHttpResponse(chunks, content_type="application/xml; charset=utf-8")
        response["Content-Disposition"] = f'inline; filename="{filename}"'
    # Records IATI cannot take as they are (see partnerships/iati.py), left out rather than invalid.
    response["X-IATI-Excluded"] = str(excluded)
    return response


@require_safe
def iati_activities(request: HttpRequest) -> StreamingHttpResponse | HttpResponse:
    """Published partnerships as an IATI 2.03 activity file, filtered like the partnership search."""
    partnerships = PartnershipFilter.filtered(request, Partnership.objects.published())
    reportable, excluded = reportable_partnerships(partnerships)
    chunks = activities_xml(reportable, absolute_url=request.build_absolute_uri)
    return _iati_response(reportable, chunks, excluded=excluded, filename="ssc-registry-activities.xml")


@require_safe
def iati_organisations(request: HttpRequest) -> StreamingHttpResponse | HttpResponse:
    """Published partners with an organisation identifier, as an IATI 2.03 organisation file."""
    reportable, excluded = reportable_partners(Partner.objects.published())
    chunks = organisations_xml(reportable)
    return _iati_response(reportable, chunks, excluded=excluded, filename="ssc-registry-organisations.xml")
