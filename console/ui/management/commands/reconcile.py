from datetime import timedelta

from django.core.management.base import BaseCommand
from django.utils import timezone

from endpoints.models import Endpoint, EndpointStatus
from endpoints.operations import enqueue as enqueue_endpoint
from services.models import EndpointService, ServiceStatus
from services.operations import enqueue_deletion, enqueue_provision


class Command(BaseCommand):
    help = (
        "Enqueue again the background work of services and endpoints left in 创建中 or 删除中 "
        "(a lost enqueue, a worker that died). The tasks skip rows that have moved on, so this "
        "is safe to run at any time, e.g. every few minutes from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=int, default=60, help="seconds (default 60)")

    def handle(self, *args, older_than: int, **options):
        before = timezone.now() - timedelta(seconds=older_than)
        jobs = [
            (EndpointService.objects.filter(status=ServiceStatus.CREATING), enqueue_provision),
            (EndpointService.objects.filter(status=ServiceStatus.DELETING), enqueue_deletion),
            (
                Endpoint.objects.filter(status=EndpointStatus.CREATING),
                lambda pk: enqueue_endpoint("provision_endpoint", pk),
            ),
            (
                Endpoint.objects.filter(status=EndpointStatus.DELETING),
                lambda pk: enqueue_endpoint("finish_endpoint_deletion", pk),
            ),
        ]
        count = 0
        for queryset, enqueue in jobs:
            for pk in queryset.filter(updated_at__lt=before).values_list("pk", flat=True):
                enqueue(pk)
                count += 1
        self.stdout.write(f"Enqueued {count} task(s) again.")
