from django.core.management.base import BaseCommand

from office.roles import ensure_office_staff_group


class Command(BaseCommand):
    help = "Create or refresh the office-staff group and its permissions."

    def handle(self, *args, **options) -> None:
        group = ensure_office_staff_group()
        self.stdout.write(f"{group.name}: {group.permissions.count()} permissions")
