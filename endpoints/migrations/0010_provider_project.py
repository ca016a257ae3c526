"""Endpoint.provider_project: the service's project, copied onto each endpoint so that the
approver's inbox reads its services with a waiting connection from an index of its own
projects' waiting rows (issue 13). Made NOT NULL, and indexed, in 0011."""

import django.db.models.deletion
from django.db import migrations, models


def copy_provider_project(apps, schema_editor):
    Endpoint = apps.get_model("endpoints", "Endpoint")
    EndpointService = apps.get_model("services", "EndpointService")
    project = EndpointService.objects.filter(pk=models.OuterRef("service_id")).values("project_id")
    Endpoint.objects.update(provider_project_id=models.Subquery(project))


class Migration(migrations.Migration):
    dependencies = [
        ("endpoints", "0009_pending_indexes"),
        ("services", "0001_initial"),
        ("tenancy", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="endpoint",
            name="provider_project",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="tenancy.project",
                verbose_name="provider project",
            ),
        ),
        migrations.RunPython(copy_provider_project, migrations.RunPython.noop),
    ]
