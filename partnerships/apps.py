from django.apps import AppConfig


class PartnershipsConfig(AppConfig):
    name = "partnerships"
    verbose_name = "Partners and partnerships"
    registry_app = True  # its models' permissions go to the curation roles (registry/groups.py)

    def ready(self) -> None:
        from . import resources, search, signals

        resources.register()
        search.register()
        signals.connect()
        register_public_types()


def register_public_types() -> None:
    from registry.site import PublicRecordType, register_public_type

    from .jsonld import organization
    from .models import Partner, Partnership

    register_public_type(
        PublicRecordType(Partner, "partners", "partnerships:partner-list", "Partners", jsonld=organization)
    )
    register_public_type(
        PublicRecordType(Partnership, "partnerships", "partnerships:partnership-list", "Partnerships")
    )
