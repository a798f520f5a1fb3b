"""One workflow mechanism for every status in the portal (card, garden application, contest entry, mural).

A workflow is one table of allowed moves — (from, to) → who may make it, and whether a reason is required —
and one function, `Workflow.move`, that locks the row, checks the move and the actor, runs the move's guard,
applies it, records who/when/why in a history row of one shape (core.models.StatusChange) and schedules side
effects on commit. Anything not in the table is refused with the same error: field `status`, code
`transition_not_allowed`. The check of *who may* lives here, in the service layer, never in a view.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from .errors import Code

Actor = Callable[[Any, Any], bool]  # (user, locked object) → may this user make moves of this kind?
Step = Callable[[Any], None]


@dataclass(frozen=True)
class Move:
    source: str
    target: str
    actor: str  # a key of the workflow's `actors`
    note_required: bool = False


class Workflow:
    """The allowed moves of one model's status field and the one function that makes them."""

    def __init__(self, *, model: type[models.Model], history: type[models.Model], subject_field: str,
                 moves: Iterable[Move], actors: Mapping[str, Actor], status_field: str = "status") -> None:
        self.model = model
        self.history = history
        self.subject_field = subject_field
        self.status_field = status_field
        self.moves: dict[tuple[str, str], Move] = {(m.source, m.target): m for m in moves}
        self.actors = dict(actors)
        unknown = {m.actor for m in self.moves.values()} - set(self.actors)
        if unknown:
            raise ValueError(f"{model.__name__} workflow: moves name unknown actors {sorted(unknown)}")

    # --- reading the table ------------------------------------------------------------------------------

    def label(self, value: str) -> str:
        field = self.model._meta.get_field(self.status_field)
        return str(dict(field.flatchoices).get(value, value))

    def targets(self, source: str) -> list[str]:
        return [target for (s, target) in self.moves if s == source]

    def is_allowed(self, source: str, target: str) -> bool:
        return (source, target) in self.moves

    def allowed_moves(self, obj: models.Model, user: Any) -> list[str]:
        """The statuses this user may move the object to now (for buttons and the API)."""
        source = getattr(obj, self.status_field)
        return [m.target for m in self.moves.values() if m.source == source and self.actors[m.actor](user, obj)]

    def refusal(self, source: str, target: str) -> ValidationError:
        message = _("This change is not possible: from “%(from)s” to “%(to)s”.") % {
            "from": self.label(source), "to": self.label(target)}
        return ValidationError({"status": ValidationError(message, code=str(Code.TRANSITION_NOT_ALLOWED))})

    # --- making a move ----------------------------------------------------------------------------------

    def move(self, *, obj: models.Model, to: str, by: Any, note: str = "", guard: Step | None = None,
             apply: Step | None = None, on_commit: Callable[[Any, Any], None] | None = None,
             select_related: Iterable[str] = (), history_fields: Mapping[str, Any] | None = None,
             ) -> models.Model:
        """Make the move `obj` → `to` as `by`; return the history row (its subject is the locked object).

        `guard(locked)` may refuse (raise ValidationError) after the move and actor are known to be allowed;
        `apply(locked)` sets the fields the move changes; `on_commit(locked, entry)` runs after the commit
        (send e-mail, schedule tasks). The caller's `obj` follows the new state.
        """
        with transaction.atomic():
            queryset = self.model._default_manager.select_for_update(of=("self",))
            if select_related:
                queryset = queryset.select_related(*select_related)
            locked = queryset.get(pk=obj.pk)
            source = getattr(locked, self.status_field)
            move = self.moves.get((source, to))
            if move is None:
                raise self.refusal(source, to)
            if not self.actors[move.actor](by, locked):
                raise PermissionDenied(_("You may not make this change."))
            note = (note or "").strip()
            if move.note_required and not note:
                raise ValidationError({"note": ValidationError(_("Give the reason."), code=str(Code.NOTE_REQUIRED))})
            if guard is not None:
                guard(locked)
            if apply is not None:
                apply(locked)
            setattr(locked, self.status_field, to)
            locked.save()
            entry = self.history._default_manager.create(
                **{self.subject_field: locked}, from_status=source, to_status=to,
                by=by if getattr(by, "is_authenticated", False) else None, note=note, **(history_fields or {}))
            if on_commit is not None:
                transaction.on_commit(lambda: on_commit(locked, entry))
        obj.__dict__.update({k: v for k, v in locked.__dict__.items() if not k.startswith("_")})
        return entry
