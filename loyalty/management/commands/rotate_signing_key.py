"""Rotate a centre's key that signs card tokens: `manage.py rotate_signing_key TOR` (centre code or slug, or
--all). Tokens signed with the previous key stay valid until they expire; tills fetch the new public key from
GET /api/v1/loyalty/keys/ (its `kid` differs)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q

from centres.models import Centre
from loyalty import services


class Command(BaseCommand):
    help = "Make a new signing key for the centre's card tokens; the previous key's tokens live until they expire."

    def add_arguments(self, parser) -> None:
        parser.add_argument("centre", nargs="?", help="The centre's code (e.g. TOR) or slug.")
        parser.add_argument("--all", action="store_true", help="Every active centre.")

    def handle(self, *args, centre: str | None = None, all: bool = False, **options) -> None:
        if all:
            centres = list(Centre.objects.filter(is_active=True))
        elif centre:
            centres = list(Centre.objects.filter(Q(code__iexact=centre) | Q(slug=centre)))
            if not centres:
                raise CommandError(f"no centre {centre!r}")
        else:
            raise CommandError("name a centre or give --all")
        for found in centres:
            kid = services.rotate_signing_key(centre=found)
            self.stdout.write(f"{found.code}: new signing key {kid}")
