"""Partners and partnerships as public record types (registry/site.py)."""

from registry.site import PublicRecordType, register_public_type

from .jsonld import organization
from .models import Partner, Partnership


def register() -> None:
    """Called once from PartnershipsConfig.ready()."""
    register_public_type(
        PublicRecordType(Partner, "partners", "partnerships:partner-list", "Partners", jsonld=organization)
    )
    register_public_type(
        PublicRecordType(Partnership, "partnerships", "partnerships:partnership-list", "Partnerships")
    )
