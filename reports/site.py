"""Publications as a public record type (registry/site.py)."""

from registry.site import PublicRecordType, register_public_type

from .jsonld import publication
from .models import Publication


def register() -> None:
    """Called once from ReportsConfig.ready()."""
    register_public_type(
        PublicRecordType(
            Publication,
            "publications",
            "reports:publication-list",
            "Publications",
            jsonld=publication,
            og_type="article",
        )
    )
