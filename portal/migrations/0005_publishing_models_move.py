from django.db import migrations


class Migration(migrations.Migration):
    """The audit log and pending drafts now belong to the publishing app, tables and all."""

    dependencies = [
        ("portal", "0004_pending_drafts"),
        ("publishing", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="PendingChange"),
                migrations.DeleteModel(name="AuditEntry"),
            ],
        ),
    ]
