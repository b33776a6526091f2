"""Who may change what: the one rule that keeps unreviewed changes off the public pages.

A visitor sees a change only after a Publisher publishes it. Every model of the content apps
declares which of four kinds it is, and this module turns the declaration into permissions:

- *publishable* (a subclass of `Publishable`): Editors draft; an Editor's change to a live
  record is kept as its pending draft (portal/publishing/drafts.py) until a Publisher publishes it.
- *part of a record* (`part_of = ("release",)`, its foreign keys to its records): Editors change
  it freely while its record is not live; on a live record, only through the record's form,
  where the change becomes the record's pending draft. Publishers change it.
- *reference data* (`editorial_role = REFERENCE`): Editors read it; only Publishers add,
  change or delete.
- *media* (`editorial_role = MEDIA`): Editors add (nothing public shows a new file until a
  reviewed page uses it); only Publishers change or delete.
- *correspondence* (`editorial_role = CORRESPONDENCE`): messages from the public, never
  published. Editors read and update those their admin page lets them see (e.g. the enquiries
  about their zones); only Publishers delete. Nobody adds one in the admin.

Static permissions (reference data, media) are granted by portal/publishing/roles.py from these
declarations; the rule for parts depends on the record's status and is checked by the admin
(portal/publishing/admin/rules.py) through `may_change_part`.
"""

from django.db import models

REFERENCE = "reference"
MEDIA = "media"
CORRESPONDENCE = "correspondence"
PART = "part"
PUBLISHABLE = "publishable"

# The statuses in which a record is public, or was and can be again (archived pages answer
# 410 and are brought back by a Publisher only).
LIVE_STATES = ("published", "archived")


def role_of(model: type[models.Model]) -> str | None:
    """The editorial kind of a content model, or None when it declares none."""
    if hasattr(model, "parts") and hasattr(model, "status"):
        return PUBLISHABLE
    if getattr(model, "part_of", None):
        return PART
    return getattr(model, "editorial_role", None)


def is_live(record: models.Model) -> bool:
    return getattr(record, "status", None) in LIVE_STATES


def records_of(part: models.Model) -> list[models.Model]:
    """The records a part belongs to (a figure's release; a membership's enterprise and
    platform). One query per record."""
    records = []
    for name in type(part).part_of:
        field = part._meta.get_field(name)
        pk = getattr(part, field.attname)
        if pk is not None:
            record = field.related_model._base_manager.filter(pk=pk).first()
            if record is not None:
                records.append(record)
    return records


def may_publish(user, model: type[models.Model]) -> bool:
    opts = model._meta
    return user.has_perm(f"{opts.app_label}.publish_{opts.model_name}")


def may_change_part_of(user, record: models.Model) -> bool:
    """Whether `user` may change the parts of `record` directly."""
    return not is_live(record) or may_publish(user, type(record))


def may_change_part(user, part: models.Model) -> bool:
    """Whether `user` may change or delete `part` directly (outside its record's form).

    Parts of a live record change only through the record's own form, where an Editor's change
    becomes a pending draft; a Publisher of the record may change them directly.
    """
    return all(may_change_part_of(user, record) for record in records_of(part))
