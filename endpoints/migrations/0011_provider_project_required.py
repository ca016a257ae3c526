"""Endpoint.provider_project is always set (copied in 0010); the inbox's index of waiting
connections is by provider project, then service (issue 13)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("endpoints", "0010_provider_project")]

    operations = [
        migrations.AlterField(
            model_name="endpoint",
            name="provider_project",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="tenancy.project",
                verbose_name="provider project",
            ),
        ),
        migrations.RemoveIndex(model_name="endpoint", name="endpoint_pending_service"),
        migrations.AddIndex(
            model_name="endpoint",
            index=models.Index(
                condition=models.Q(("status", "pendingAcceptance")),
                fields=["provider_project", "service"],
                name="endpoint_pending_service",
            ),
        ),
    ]
