from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Publications"
    registry_app = True  # its models' permissions go to the curation roles (registry/groups.py)

    def ready(self) -> None:
        from registry.site import PublicRecordType, register_public_type

        from . import resources, search
        from .jsonld import publication
        from .models import Publication

        resources.register()
        search.register()
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
