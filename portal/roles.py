"""The editorial groups and what they may do, kept in step with the models after every migrate."""

from django.apps import apps as global_apps

CONTENT_APPS = ("zones", "news")

# Codename prefixes each group gets on every model of the content apps. "publish" exists only on
# the models with a publication status (Meta.default_permissions of zones.models.Publishable).
GROUP_PERMISSIONS = {
    "Editors": ("add", "change", "view"),
    "Publishers": ("add", "change", "delete", "view", "publish"),
}
# Both groups read the audit log; nobody writes it by hand.
AUDIT_LOG_PERMISSION = ("portal", "view_auditentry")


def sync_groups(sender=None, apps=global_apps, using="default", **kwargs) -> None:
    """Create the groups, and grant each its permissions on every content model.

    Runs after `migrate`, when the auth app has created the permissions of every model.
    Groups keep any permission an administrator added by hand.
    """
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, actions in GROUP_PERMISSIONS.items():
        group, _ = Group.objects.using(using).get_or_create(name=name)
        codenames = [
            f"{action}_{model._meta.model_name}"
            for app_label in CONTENT_APPS
            for model in apps.get_app_config(app_label).get_models()
            for action in actions
        ]
        permissions = Permission.objects.using(using).filter(
            content_type__app_label__in=CONTENT_APPS, codename__in=codenames
        )
        group.permissions.add(*permissions)
        app_label, codename = AUDIT_LOG_PERMISSION
        group.permissions.add(
            *Permission.objects.using(using).filter(
                content_type__app_label=app_label, codename=codename
            )
        )
