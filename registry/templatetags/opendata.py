"""Template hooks for machine-readable page metadata: `{% record_meta object %}`, `{% json_ld object %}`.

Both must stay on every record page when the site is rebuilt (docs/open-data.md).
"""

from __future__ import annotations

from django import template
from django.db import models
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import Truncator

from registry.jsonld import dumps_for_script, record_documents
from registry.site import public_type

register = template.Library()

SITE_NAME = "SSC Registry"


def record_summary(record: models.Model) -> str:
    """One or two sentences about the record, for link previews (`summary_text()`), at most 200."""
    text = record.summary_text() if hasattr(record, "summary_text") else ""
    return Truncator(" ".join(text.split())).chars(200)


@register.simple_tag(takes_context=True)
def record_meta(context: template.Context, record: models.Model) -> SafeString:
    """Canonical link, Open Graph and Twitter card tags for a record page."""
    request = context["request"]
    url = request.build_absolute_uri(record.get_absolute_url())  # type: ignore[attr-defined]  # a record page
    title = str(getattr(record, "title", None) or record)
    description = record_summary(record)
    record_type = public_type(type(record))
    properties = [
        ("og:site_name", SITE_NAME),
        ("og:type", record_type.og_type if record_type else "website"),
        ("og:title", title),
        ("og:url", url),
        ("og:description", description),
    ]
    names = [
        ("twitter:card", "summary"),
        ("twitter:title", title),
        ("twitter:description", description),
    ]
    return format_html(
        '<link rel="canonical" href="{}">\n{}\n{}\n<meta name="description" content="{}">',
        url,
        format_html_join("\n", '<meta property="{}" content="{}">', properties),
        format_html_join("\n", '<meta name="{}" content="{}">', names),
        description,
    )


@register.simple_tag(takes_context=True)
def json_ld(context: template.Context, record: models.Model) -> SafeString:
    """The record's schema.org JSON-LD, one <script type="application/ld+json"> per document.

    JSON-LD is data, not script, but it carries the CSP nonce so that no policy can block it.
    """
    request = context["request"]
    documents = record_documents(record, request.build_absolute_uri)
    # Script content is raw text: HTML-escaping would corrupt the JSON. dumps_for_script escapes
    # '<', '>' and '&' as JSON \u escapes instead, so no value can end the element.
    scripts = ((request.csp_nonce, SafeString(dumps_for_script(doc))) for doc in documents)  # nosec B703
    return format_html_join("\n", '<script type="application/ld+json" nonce="{}">{}</script>', scripts)
