# The QR code's token nonce on registrations, the organizer's switch for confirmation letters, and
# print jobs (a zip of letters, or badge sheets) built by a task.

import secrets

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import attendance.models.registrations


def give_each_registration_its_own_nonce(apps, schema_editor):
    """``AddField`` gave every existing row the same default: give each one of its own."""
    Registration = apps.get_model("attendance", "Registration")
    rows = list(Registration.objects.only("pk"))
    for row in rows:
        row.token_nonce = secrets.token_urlsafe(16)
    Registration.objects.bulk_update(rows, ["token_nonce"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("attendance", "0002_fee_tier_ordering"),
        ("cms", "0002_conference_style"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="registration",
            name="token_nonce",
            field=models.CharField(
                blank=True, default=attendance.models.registrations.new_token_nonce, editable=False, max_length=32
            ),
        ),
        migrations.RunPython(give_each_registration_its_own_nonce, migrations.RunPython.noop, elidable=True),
        migrations.AddField(
            model_name="registrationsettings",
            name="letters_enabled",
            field=models.BooleanField(
                default=True,
                help_text=(
                    "Confirmed attendees can download a confirmation letter with their QR code, and it is attached "
                    "to the confirmation email."
                ),
                verbose_name="confirmation letters",
            ),
        ),
        migrations.CreateModel(
            name="PrintBatch",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                (
                    "kind",
                    models.CharField(
                        choices=[("letters", "Confirmation letters"), ("badges", "Badges")],
                        default="letters",
                        max_length=10,
                        verbose_name="kind",
                    ),
                ),
                ("registration_ids", models.JSONField(default=list)),
                (
                    "state",
                    models.CharField(
                        choices=[
                            ("queued", "Waiting"),
                            ("building", "Being built"),
                            ("ready", "Ready"),
                            ("failed", "Failed"),
                        ],
                        default="queued",
                        max_length=10,
                        verbose_name="state",
                    ),
                ),
                ("total", models.PositiveIntegerField(default=0)),
                ("done", models.PositiveIntegerField(default=0)),
                (
                    "file",
                    models.FileField(
                        blank=True,
                        max_length=255,
                        storage=attendance.models.registrations.private_storage,
                        upload_to="registrations/prints/",
                    ),
                ),
                ("size", models.PositiveBigIntegerField(default=0)),
                ("error", models.TextField(blank=True)),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                ("finished_at", models.DateTimeField(blank=True, null=True)),
                (
                    "conference",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="print_batches", to="cms.conference"
                    ),
                ),
                (
                    "requested_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "print job",
                "verbose_name_plural": "print jobs",
                "ordering": ["-created_at", "-id"],
            },
        ),
    ]
