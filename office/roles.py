"""The office-staff role: a group holding the permissions the admin needs. Scoping to a centre is separate
(User.staff_centres, enforced by centres.admin_scoping)."""

from django.contrib.auth.models import Group, Permission

OFFICE_STAFF_GROUP = "Office staff"
# The audit log and the e-mail ledger span every centre, so only superusers read them.
OFFICE_APPS = ("centres", "loyalty", "gardens", "contests", "murals")


def ensure_office_staff_group() -> Group:
    """Create or refresh the group; safe to run after every migration."""
    group, _ = Group.objects.get_or_create(name=OFFICE_STAFF_GROUP)
    perms = Permission.objects.filter(content_type__app_label__in=OFFICE_APPS).exclude(
        content_type__app_label="centres", content_type__model="user", codename__in=["add_user", "delete_user"]
    ).exclude(content_type__app_label="centres", content_type__model="centre", codename__in=["add_centre",
                                                                                            "delete_centre"])
    group.permissions.set(perms)
    return group
