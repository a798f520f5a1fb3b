"""Load the demo data of Toruń's Old Town. Idempotent: a second run adds nothing.

The centre model is seeded first; then each app's `demo.seed(centre=..., stdout=...)`, in dependency order.
What it prints is short: one summary line per kind of record and the log-ins. The apps' own lines and the
e-mails the seeding sends (card activations, application receipts…) are shown only with `-v 2`; otherwise the
e-mails are kept in memory and counted, never printed to the console.
"""

from __future__ import annotations

import io
import logging
from contextlib import contextmanager
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.core import mail
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings

from centres import demo as centre_demo
from office.roles import ensure_office_staff_group

APPS_IN_ORDER = ("loyalty", "gardens", "contests", "murals")
# (label, model) of the summary; a model not installed is left out.
SUMMARY = (
    ("businesses", "centres.Business"),
    ("Moja Starówka partners", "loyalty.Partner"),
    ("perks", "loyalty.Perk"),
    ("cards", "loyalty.Card"),
    ("till checks", "loyalty.Check"),
    ("garden applications", "gardens.GardenApplication"),
    ("contests", "contests.Contest"),
    ("contest entries", "contests.Entry"),
    ("votes", "contests.Vote"),
    ("murals", "murals.Mural"),
)
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"


class Command(BaseCommand):
    help = ("Load Toruń's Old Town demo data (zones, rates, businesses, cards, permits, contests, murals) and print "
            "a summary and the log-ins; -v 2 also prints each app's lines and the e-mails sent.")

    def handle(self, *args, **options) -> None:
        verbose = options.get("verbosity", 1) >= 2
        app_out = self.stdout if verbose else io.StringIO()
        backend = settings.EMAIL_BACKEND if verbose else LOCMEM
        with override_settings(EMAIL_BACKEND=backend), _quiet(not verbose):
            if not verbose:
                mail.outbox = []
            with transaction.atomic():  # e-mails scheduled on commit are sent when this block ends
                centre = centre_demo.seed(app_out, office_group=ensure_office_staff_group())
                for app in APPS_IN_ORDER:
                    module = _demo_module(app)
                    if module is not None:
                        module.seed(centre=centre, stdout=app_out)
            sent = len(getattr(mail, "outbox", [])) if not verbose else None
            if not verbose:
                mail.outbox = []

        self.stdout.write(self.style.SUCCESS(f"Demo data of {centre.name} ready:"))
        figures = []
        for label, model_path in SUMMARY:
            try:
                model = apps.get_model(model_path)
            except LookupError:
                continue
            figures.append(f"{model.objects.count()} {label}")
        self.stdout.write("  " + ", ".join(figures))
        if sent:
            self.stdout.write(f"  {sent} e-mails were sent by the seeding and not printed (see them with -v 2)")

        self.stdout.write(self.style.SUCCESS("\nDemo log-ins (password for all: %s):" % centre_demo.DEMO_PASSWORD))
        for kind, email in centre_demo.DEMO_ACCOUNTS.items():
            self.stdout.write(f"  {email:<32} {kind}")
        for app in APPS_IN_ORDER:
            accounts = getattr(_demo_module(app), "DEMO_ACCOUNTS", {})
            pairs = accounts.items() if isinstance(accounts, dict) else accounts  # a dict or (role, e-mail) pairs
            for kind, email in pairs:
                self.stdout.write(f"  {email:<32} {kind}")
        self.stdout.write("Admin: http://127.0.0.1:8000/admin/  ·  Portal: http://127.0.0.1:8000/  ·  "
                          "Map: http://127.0.0.1:8000/mapa/")


def _demo_module(app: str):
    try:
        return import_module(f"{app}.demo")
    except ModuleNotFoundError as exc:
        if exc.name != f"{app}.demo":
            raise
        return None


@contextmanager
def _quiet(enabled: bool):
    """Without -v 2, what the seeding logs below a warning (each in-process task, each PDF font subset) is not
    printed."""
    previous = logging.root.manager.disable
    if enabled:
        logging.disable(logging.INFO)
    try:
        yield
    finally:
        logging.disable(previous)
