"""The public proposal forms: what a visitor may send, and the limits that keep spam out."""

from __future__ import annotations

import zoneinfo
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import get_language

from events.models import Event
from partnerships.models import Partner
from registry.fields import validate_single_line
from registry.workflow import CONTENT_LANGUAGES, content_language_choices
from vocabularies.models import Country, Platform, SustainableDevelopmentGoal

MAX_NEW_PARTNERS = 10
MAX_PARTNERS = 30
MAX_COUNTRIES = 60


class ProposalForm(forms.Form):
    """Fields every proposal has: what, who with, where from, and who is asking."""

    title = forms.CharField(
        max_length=300,
        validators=[validate_single_line],
        help_text="The name the cooperation or event is known by.",
    )
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 8}),
        min_length=30,
        max_length=5000,
        help_text="What it is about, who does what, and what it aims at (30 to 5,000 characters).",
    )
    language = forms.ChoiceField(
        label="Language of your text",
        required=False,
        help_text="The language the title and description are written in.",
    )
    partners = forms.ModelMultipleChoiceField(
        queryset=Partner.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="Choose organisations already in the registry (type in the search box to find them).",
    )
    new_partners = forms.CharField(
        label="Other partners",
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=f"Organisations not in the list: one name per line, at most {MAX_NEW_PARTNERS}.",
    )
    source_url = forms.URLField(
        label="Source link",
        max_length=500,
        assume_scheme="https",
        help_text="A public web page or document where curators can check the facts.",
    )
    submitter_name = forms.CharField(label="Your name", max_length=200, validators=[validate_single_line])
    submitter_email = forms.EmailField(
        label="Your e-mail",
        max_length=254,
        help_text="Only the registry's curators see your name and e-mail, to ask you questions. "
        "They are never published.",
    )
    # A field people never see (hidden by CSS) and bots fill in.
    homepage = forms.CharField(label="Leave this field empty", required=False, max_length=300)

    partners_required = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partners"].queryset = Partner.objects.published().order_by("name")
        # Visitors write in the language they read the site in, most likely.
        self.fields["language"].choices = content_language_choices()
        interface = (get_language() or "en").split("-")[0]
        self.fields["language"].initial = interface if interface in CONTENT_LANGUAGES else "en"

    def clean_language(self) -> str:
        return self.cleaned_data["language"] or self.fields["language"].initial
        self.fields["homepage"].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})

    @property
    def is_spam(self) -> bool:
        return bool(self.data.get("homepage"))

    def clean_partners(self) -> list[Partner]:
        partners = list(self.cleaned_data["partners"])
        if len(partners) > MAX_PARTNERS:
            raise ValidationError(f"Choose at most {MAX_PARTNERS} partners.")
        return partners

    def clean_new_partners(self) -> list[str]:
        names = []
        for line in self.cleaned_data["new_partners"].splitlines():
            name = " ".join(line.split())
            if name and name.casefold() not in {n.casefold() for n in names}:
                names.append(name)
        if len(names) > MAX_NEW_PARTNERS:
            raise ValidationError(f"Name at most {MAX_NEW_PARTNERS} other partners.")
        too_long = [n for n in names if len(n) > 300]
        if too_long:
            raise ValidationError("A partner's name can be at most 300 characters.")
        return names

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.partners_required and not cleaned.get("partners") and not cleaned.get("new_partners"):
            if "partners" not in self.errors and "new_partners" not in self.errors:
                self.add_error("partners", "Name at least one partner: choose one or type its name below.")
        # Every proposal has a start date and may have an end date (its subclasses declare them).
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", "The end date cannot be before the start date.")
        return cleaned


class PartnershipProposalForm(ProposalForm):
    partners_required = True

    platform = forms.ModelChoiceField(
        queryset=Platform.objects.all(),
        required=False,
        empty_label="(none or not sure)",
        help_text="The stakeholder platform the partnership works through, if any.",
    )
    sdgs = forms.ModelMultipleChoiceField(
        label="Sustainable Development Goals",
        queryset=SustainableDevelopmentGoal.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    countries = forms.ModelMultipleChoiceField(
        queryset=Country.objects.all(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
        help_text="Countries the partnership works in.",
    )
    start_date = forms.DateField(required=False, help_text="YYYY-MM-DD. Leave empty if unknown.")
    end_date = forms.DateField(required=False, help_text="YYYY-MM-DD. Leave empty if it is ongoing.")

    field_order = [
        "title",
        "description",
        "partners",
        "new_partners",
        "platform",
        "sdgs",
        "countries",
        "start_date",
        "end_date",
        "source_url",
        "submitter_name",
        "submitter_email",
        "homepage",
    ]

    def clean_countries(self) -> list[Country]:
        countries = list(self.cleaned_data["countries"])
        if len(countries) > MAX_COUNTRIES:
            raise ValidationError(f"Choose at most {MAX_COUNTRIES} countries.")
        return countries


class EventProposalForm(ProposalForm):
    partners_required = False

    event_type = forms.ChoiceField(label="Type", choices=Event.Type.choices)
    start_date = forms.DateField(help_text="YYYY-MM-DD, in the event's local time.")
    end_date = forms.DateField(required=False, help_text="YYYY-MM-DD. Leave empty for a one-day event.")
    timezone = forms.ChoiceField(
        label="Time zone",
        initial="UTC",
        help_text="Where the event's dates are counted, e.g. Africa/Nairobi.",
    )
    attendance_mode = forms.ChoiceField(label="Attendance", choices=Event.AttendanceMode.choices)
    city = forms.CharField(max_length=100, required=False)
    country = forms.ModelChoiceField(
        queryset=Country.objects.all(), required=False, empty_label="(online or not sure)"
    )

    field_order = [
        "title",
        "event_type",
        "description",
        "start_date",
        "end_date",
        "timezone",
        "attendance_mode",
        "city",
        "country",
        "partners",
        "new_partners",
        "source_url",
        "submitter_name",
        "submitter_email",
        "homepage",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partners"].label = "Organisers"
        self.fields["new_partners"].label = "Other organisers"
        self.fields["timezone"].choices = [(z, z) for z in sorted(zoneinfo.available_timezones())]
