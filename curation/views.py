"""The public "Propose a partnership" and "Propose an event" pages."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views import View

from registry.throttling import client_address

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


def count_submission(request: HttpRequest) -> int:
    """Count one proposal from this address and return the count, before anything is written."""
    key = _rate_key(request)
    # add() starts the window only on the first proposal; incr() keeps its expiry and is atomic,
    # so two proposals sent at once cannot both take the last place.
    cache.add(key, 0, timeout=settings.SUBMISSION_RATE_WINDOW)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=settings.SUBMISSION_RATE_WINDOW)
        return 1


class ProposeView(View):
    """A proposal form: validates on the server, creates records in review, thanks the visitor."""

    form_class: type[ProposalForm]
    kind: str  # the record proposed; its form is the template curation/propose_<kind>.html
    #: The service that files a proposal (`submission_create_<kind>`): (data, base_url) -> Submission.
    submit: Callable[..., object]

    def create(self, data: dict, base_url: str) -> object:
        return self.submit(data=data, base_url=base_url)

    def render_form(self, request: HttpRequest, form: ProposalForm, status: int = 200) -> HttpResponse:
        template = f"curation/propose_{self.kind}.html"
        return render(request, template, {"form": form, "kind": self.kind}, status=status)

    def get(self, request: HttpRequest) -> HttpResponse:
        return self.render_form(request, self.form_class())

    def rate_limited(self, request: HttpRequest) -> HttpResponse:
        response = render(
            request,
            "curation/propose_rate_limited.html",
            {"window_minutes": settings.SUBMISSION_RATE_WINDOW // 60},
            status=429,
        )
        # At most the window: the count expires a window after the address's first proposal.
        response["Retry-After"] = str(settings.SUBMISSION_RATE_WINDOW)
        return response

    def post(self, request: HttpRequest) -> HttpResponse:
        form = self.form_class(request.POST)
        if over_rate_limit(request):
            return self.rate_limited(request)
        if form.is_spam:
            # Look like success, so that the bot learns nothing; create nothing.
            count_submission(request)
            return HttpResponseRedirect(reverse("curation:propose-thanks"))
        if not form.is_valid():
            return self.render_form(request, form, status=400)
        # The proposal is counted before anything is written, so that no failure further on can
        # let an address past the limit.
        if count_submission(request) > settings.SUBMISSION_RATE_LIMIT:
            return self.rate_limited(request)
        try:
            self.create(form.cleaned_data, base_url=request.build_absolute_uri("/").rstrip("/"))
        except ValidationError as error:
            # A rule of the models the form does not repeat (the services validate every record
            # they create, in one transaction): shown on the form, and nothing was stored.
            add_model_errors(form, error)
            return self.render_form(request, form, status=400)
        return HttpResponseRedirect(reverse("curation:propose-thanks"))


# The model fields a proposal form fills under another name.
FORM_FIELD_FOR = {"start": "start_date", "end": "end_date", "name": "new_partners"}


def add_model_errors(form: ProposalForm, error: ValidationError) -> None:
    """Put a model's validation errors on the form fields they concern (or on the whole form)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    shown: set[str] = set()
    for field, errors in error.error_dict.items():
        name = FORM_FIELD_FOR.get(field, field)
        # The start and the end may break one rule with one message: say it once, where it began.
        fresh = [e for e in errors if " ".join(e.messages) not in shown]
        shown |= {" ".join(e.messages) for e in fresh}
        if fresh:
            form.add_error(name if name in form.fields else None, fresh)


class ProposePartnershipView(ProposeView):
    form_class = PartnershipProposalForm
    kind = "partnership"
    submit = staticmethod(submission_create_partnership)


class ProposeEventView(ProposeView):
    form_class = EventProposalForm
    kind = "event"
    submit = staticmethod(submission_create_event)


def propose_thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "curation/propose_thanks.html")


def propose_index(request: HttpRequest) -> HttpResponse:
    return render(request, "curation/propose_index.html")
