from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EndpointsConfig(AppConfig):
    name = "endpoints"
    verbose_name = _("Endpoints")

    def ready(self) -> None:
        # What the shell (console/) runs for this app: help, sweep, quota, demo (issue 12).
        from .registrations import register_all

        register_all()
