"""Public pages and IATI files for partnerships and partners. Every queryset starts from `published()`."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotFound,
    HttpResponsePermanentRedirect,
    StreamingHttpResponse,
)
from django.views.decorators.http import require_safe
from django.views.generic import DetailView, ListView

from sscregistry.filtering import filter_partnerships

from .base import Status
from .iati import activities_xml, organisations_xml, reportable_partners, reportable_partnerships
from .models import Participation, Partner, PartnerRedirect, Partnership

PUBLISHED_PARTICIPATIONS = Prefetch(
    "participations",
    queryset=Participation.objects.filter(partner__status=Status.PUBLISHED).select_related("partner", "role"),
)


class PartnershipListView(ListView):
    template_name = "partnerships/partnership_list.html"
    paginate_by = 20

    def get_queryset(self):
        return Partnership.objects.published().prefetch_related("platforms", "sdgs")


class PartnershipDetailView(DetailView):
    template_name = "partnerships/partnership_detail.html"

    def get_queryset(self):
        return (
            Partnership.objects.published()
            .prefetch_related(
                PUBLISHED_PARTICIPATIONS,
                "platforms",
                "sdgs",
                "sdg_targets",
                "countries",
                "regions",
                "themes",
                "modalities",
                "sources",
            )
            .select_related("activity_status")
        )


class PartnerListView(ListView):
    template_name = "partnerships/partner_list.html"
    paginate_by = 50

    def get_queryset(self):
        return Partner.objects.published().select_related("country", "organisation_type")


class PartnerDetailView(DetailView):
    template_name = "partnerships/partner_detail.html"

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            # A partner merged into another keeps its address: it answers with a permanent redirect.
            redirect = (
                PartnerRedirect.objects.filter(old_slug=kwargs["slug"], partner__status=Status.PUBLISHED)
                .select_related("partner")
                .first()
            )
            if redirect is None:
                raise
            return HttpResponsePermanentRedirect(redirect.partner.get_absolute_url())

    def get_queryset(self):
        return Partner.objects.published().select_related("country", "organisation_type", "parent")

    def get_object(self, queryset=None):
        partner = super().get_object(queryset)
        if partner.parent_id and not partner.parent.is_published:
            partner.parent = None
        return partner

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        partner = self.object
        context["partnerships"] = Partnership.objects.published().filter(partners=partner).distinct()
        context["alternative_names"] = partner.alternative_names.select_related("language")
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
    partnerships = filter_partnerships(request, Partnership.objects.published())
    reportable, excluded = reportable_partnerships(partnerships)
    chunks = activities_xml(reportable, absolute_url=request.build_absolute_uri)
    return _iati_response(reportable, chunks, excluded=excluded, filename="ssc-registry-activities.xml")


@require_safe
def iati_organisations(request: HttpRequest) -> StreamingHttpResponse | HttpResponse:
    """Published partners with an organisation identifier, as an IATI 2.03 organisation file."""
    reportable, excluded = reportable_partners(Partner.objects.published())
    chunks = organisations_xml(reportable)
    return _iati_response(reportable, chunks, excluded=excluded, filename="ssc-registry-organisations.xml")
