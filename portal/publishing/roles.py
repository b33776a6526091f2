"""The editorial groups and what they may do, kept in step with the models after every migrate.

What an Editor may do with a model follows from its editorial kind (portal/publishing/editorial.py).
"""

from django.apps import apps as global_apps

from portal.publishing import editorial

CONTENT_APPS = ("zones", "news")

# Codename prefixes each group gets on the models of each editorial kind. "publish" exists
# only on the models with a publication status (Meta.default_permissions of Publishable).
EDITOR_ACTIONS = {
    editorial.PUBLISHABLE: ("add", "change", "view"),
    editorial.PART: ("add", "change", "delete", "view"),
    editorial.MEDIA: ("add", "view"),
    editorial.REFERENCE: ("view",),
    editorial.CORRESPONDENCE: ("change", "view"),
}
PUBLISHER_ACTIONS = ("add", "change", "delete", "view", "publish")
# Correspondence comes from the public site only: nobody adds it by hand.
PUBLISHER_CORRESPONDENCE_ACTIONS = ("change", "delete", "view")
# Both groups read the audit log and the pending drafts; nobody writes either by hand.
READ_ONLY_PERMISSIONS = (
    ("publishing", "view_auditentry"),
    ("publishing", "view_pendingchange"),
)
# Publishers unlock a sign-in that django-axes locked out, by deleting its failed attempts.
PUBLISHER_ONLY_PERMISSIONS = (
    ("axes", "view_accessattempt"),
    ("axes", "delete_accessattempt"),
)


def content_models(apps):
    for app_label in CONTENT_APPS:
        yield from apps.get_app_config(app_label).get_models()


def granted(group: str, apps) -> set[str]:
    """The codenames of `group`'s permissions on the content models."""
    codenames = set()
    for model in content_models(apps):
        role = editorial.role_of(model)
        if group == "Publishers":
            actions = (
                PUBLISHER_CORRESPONDENCE_ACTIONS
                if role == editorial.CORRESPONDENCE
                else PUBLISHER_ACTIONS
            )
        else:
            actions = EDITOR_ACTIONS.get(role, ("view",))
        codenames.update(f"{action}_{model._meta.model_name}" for action in actions)
    return codenames


def sync_groups(sender=None, apps=global_apps, using="default", **kwargs) -> None:
    """Create the groups, and give each exactly its permissions on the content models.

    Runs after `migrate`, when the auth app has created the permissions of every model.
    Permissions outside the content apps that an administrator added by hand are kept.
    """
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    # The historical models of a migration lack the editorial declarations: read them from
    # the real models, by name.
    for name in ("Editors", "Publishers"):
        group, _ = Group.objects.using(using).get_or_create(name=name)
        codenames = granted(name, global_apps)
        content = Permission.objects.using(using).filter(content_type__app_label__in=CONTENT_APPS)
        group.permissions.remove(*content.exclude(codename__in=codenames))
        group.permissions.add(*content.filter(codename__in=codenames))
        extra = READ_ONLY_PERMISSIONS
        if name == "Publishers":
            extra += PUBLISHER_ONLY_PERMISSIONS
        for app_label, codename in extra:
            group.permissions.add(
                *Permission.objects.using(using).filter(
                    content_type__app_label=app_label, codename=codename
                )
            )
