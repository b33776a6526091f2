"""Django's own admins of users and groups, with the checks the project's lists have: a lookup
typed into a list's address that no query can take (`?date_joined__year=0`) goes back to the
whole list rather than failing as a 500 (portal/publishing/admin/ordering.py)."""

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User

from portal.publishing.admin import SameOrderAdminMixin

admin.site.unregister(User)
admin.site.unregister(Group)


@admin.register(User)
class PortalUserAdmin(SameOrderAdminMixin, UserAdmin):
    pass


@admin.register(Group)
class PortalGroupAdmin(SameOrderAdminMixin, GroupAdmin):
    pass
