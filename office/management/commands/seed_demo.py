"""Load the demo data of Toruń's Old Town. Idempotent: a second run adds nothing.

The centre model is seeded first; then each app's `demo.seed(centre=..., stdout=...)`, in dependency order.
"""

from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction

from centres import demo as centre_demo
from office.roles import ensure_office_staff_group

APPS_IN_ORDER = ("loyalty", "gardens", "contests", "murals")


class Command(BaseCommand):
    help = "Load Toruń's Old Town demo data (zones, rates, businesses, cards, permits, contests) and print log-ins."

    def handle(self, *args, **options) -> None:
        with transaction.atomic():
            centre = centre_demo.seed(self.stdout, office_group=ensure_office_staff_group())
            for app in APPS_IN_ORDER:
                try:
                    module = import_module(f"{app}.demo")
                except ModuleNotFoundError as exc:
                    if exc.name != f"{app}.demo":
                        raise
                    continue
                module.seed(centre=centre, stdout=self.stdout)

        self.stdout.write(self.style.SUCCESS("\nDemo log-ins (password for all: %s):" % centre_demo.DEMO_PASSWORD))
        for kind, email in centre_demo.DEMO_ACCOUNTS.items():
            self.stdout.write(f"  {kind:<10} {email}")
        for app in APPS_IN_ORDER:
            try:
                accounts = getattr(import_module(f"{app}.demo"), "DEMO_ACCOUNTS", {})
            except ModuleNotFoundError:
                accounts = {}
            pairs = accounts.items() if isinstance(accounts, dict) else accounts  # a dict or (role, e-mail) pairs
            for kind, email in pairs:
                self.stdout.write(f"  {kind:<10} {email}")
        self.stdout.write("Admin: http://127.0.0.1:8000/admin/  ·  Portal: http://127.0.0.1:8000/")
