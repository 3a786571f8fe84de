"""schema.org descriptions of partners (registered with the public type, partnerships/apps.py)."""

from __future__ import annotations

from typing import Any

from registry.jsonld import SCHEMA, compact, one_or_many
from registry.site import AbsoluteUrl

from .models import Partner


def organization_ref(partner: Partner, absolute_url: AbsoluteUrl) -> dict[str, Any]:
    """A short Organization node for a partner named on another record's page."""
    page = absolute_url(partner.get_absolute_url())
    return compact(
        {
            "@type": "Organization",
            "@id": f"{page}#organization",
            "name": partner.name,
            "alternateName": partner.acronym,
            "url": partner.website or page,
        }
    )


def organization(partner: Partner, absolute_url: AbsoluteUrl) -> dict[str, Any]:
    page = absolute_url(partner.get_absolute_url())
    alternate = [partner.acronym] if partner.acronym else []
    alternate += [name.name for name in partner.alternative_names.all()]
    identifiers = [
        {"@type": "PropertyValue", "propertyID": register, "value": value}
        for register, value, _address in partner.external_identifiers()
    ]
    same_as = [address for _register, _value, address in partner.external_identifiers() if address]
    parent = partner.parent if partner.parent_id and partner.parent.is_published else None
    children = [c for c in partner.children.all() if c.is_published]
    return compact(
        {
            "@context": SCHEMA,
            "@type": "Organization",
            "@id": f"{page}#organization",
            "name": partner.name,
            "alternateName": one_or_many(alternate) if alternate else None,
            "identifier": one_or_many(identifiers) if identifiers else None,
            "sameAs": one_or_many(same_as) if same_as else None,
            "url": partner.website or page,
            "mainEntityOfPage": page,
            "description": partner.description,
            "address": (
                {"@type": "PostalAddress", "addressCountry": partner.country_id}
                if partner.country_id
                else None
            ),
            "parentOrganization": organization_ref(parent, absolute_url) if parent else None,
            "subOrganization": [organization_ref(c, absolute_url) for c in children],
        }
    )
