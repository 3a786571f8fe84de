"""Public pages for partnerships and partners. Every queryset starts from `published()`."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.views.generic import DetailView, ListView

from .base import Status
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
