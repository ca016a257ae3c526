from django.core.management.base import BaseCommand

from console import demo


class Command(BaseCommand):
    help = "Create or refresh the demo data (idempotent): regions, accounts, users, networks."

    def handle(self, *args, **options):
        counts = demo.seed()
        summary = ", ".join(f"{n} {kind}" for kind, n in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Demo data ready: {summary}."))
