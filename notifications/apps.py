from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # The sweep re-enqueues deliveries (webhooks, emails) overdue a minute (issue 12).
        from console.registry import SweepStep, register

        from .tasks import due_deliveries

        register(
            SweepStep(
                "notifications.due_deliveries",
                lambda now, stuck_before: due_deliveries(stuck_before),
            )
        )
