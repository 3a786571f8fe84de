"""The public "Propose a partnership" and "Propose an event" pages."""

from __future__ import annotations

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from sscregistry.throttling import client_address

from .forms import EventProposalForm, PartnershipProposalForm, ProposalForm
from .services import submission_create_event, submission_create_partnership


def client_ip(request: HttpRequest) -> str:
    # X-Forwarded-For only as far as TRUSTED_PROXY_COUNT trusts it: the client writes its leftmost.
    return client_address(request) or "unknown"


def _rate_key(request: HttpRequest) -> str:
    return f"submissions-from:{client_ip(request)}"


def over_rate_limit(request: HttpRequest) -> bool:
    """True once this address has sent SUBMISSION_RATE_LIMIT proposals within the window."""
    return cache.get(_rate_key(request), 0) >= settings.SUBMISSION_RATE_LIMIT


def count_submission(request: HttpRequest) -> None:
    key = _rate_key(request)
    # add() starts the window only on the first proposal; incr() keeps its expiry.
    cache.add(key, 0, timeout=settings.SUBMISSION_RATE_WINDOW)
    try:
        cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=settings.SUBMISSION_RATE_WINDOW)


class ProposeView(View):
    """A proposal form: validates on the server, creates records in review, thanks the visitor."""

    form_class: type[ProposalForm]
    template_name: str
    kind: str

    def create(self, data: dict, base_url: str) -> object:
        raise NotImplementedError

    def render_form(self, request: HttpRequest, form: ProposalForm, status: int = 200) -> HttpResponse:
        return render(request, self.template_name, {"form": form, "kind": self.kind}, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render_form(request, self.form_class())

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self.form_class(request.POST)
        if over_rate_limit(request):
            return render(
                request,
                "curation/propose_rate_limited.html",
                {"window_minutes": settings.SUBMISSION_RATE_WINDOW // 60},
                status=429,
            )
        if form.is_spam:
            # Look like success, so that the bot learns nothing; create nothing.
            count_submission(request)
            return HttpResponseRedirect(reverse("curation:propose-thanks"))
        if not form.is_valid():
            return self.render_form(request, form, status=400)
        self.create(form.cleaned_data, base_url=request.build_absolute_uri("/").rstrip("/"))
        count_submission(request)
        return HttpResponseRedirect(reverse("curation:propose-thanks"))


class ProposePartnershipView(ProposeView):
    form_class = PartnershipProposalForm
    template_name = "curation/propose_partnership.html"
    kind = "partnership"

    def create(self, data: dict, base_url: str) -> object:
        return submission_create_partnership(data=data, base_url=base_url)


class ProposeEventView(ProposeView):
    form_class = EventProposalForm
    template_name = "curation/propose_event.html"
    kind = "event"

    def create(self, data: dict, base_url: str) -> object:
        return submission_create_event(data=data, base_url=base_url)


def propose_thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "curation/propose_thanks.html")


def propose_index(request: HttpRequest) -> HttpResponse:
    return render(request, "curation/propose_index.html")
