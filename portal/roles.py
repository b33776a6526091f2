"""The editorial groups and what they may do, kept in step with the models after every migrate."""

from django.apps import apps as global_apps

CONTENT_APPS = ("zones", "news")

# Codename prefixes each group gets on every model of the content apps.
GROUP_PERMISSIONS = {
    "Editors": ("add", "change", "view"),
}


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
