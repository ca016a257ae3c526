from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo data and its command, `manage.py seed_demo` (no models)."""

    name = "console.demo"
    label = "demo"
    verbose_name = _("Demo data")
