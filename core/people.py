"""Which centres a person belongs to, without core or centres importing the apps.

Each app registers, in its `personal_data.py` (autodiscovered by core.apps), how a person is tied to a centre
through its models: `register_tie("loyalty.Card", user_field="holder", centre_field="centre")`. A resident
belongs to every centre where some registered row ties them (a card, an application, a membership, a vote);
office staff may act on a person only in those centres (centres.selectors.people_of_centres).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db.models import Q


@dataclass(frozen=True)
class Tie:
    model: str  # "app_label.ModelName"
    user_field: str  # the path from the model to the person
    centre_field: str  # the path from the model to its centre (its id: `<path>_id` or `<path>__id`)

    def user_ids(self, centre_ids):
        model = apps.get_model(self.model)
        return model.objects.filter(**{f"{self.centre_field}__in": list(centre_ids)}).values(self.user_field)


_ties: dict[tuple[str, str], Tie] = {}


def register_tie(model: str, *, user_field: str, centre_field: str) -> None:
    _ties[(model, user_field)] = Tie(model=model, user_field=user_field, centre_field=centre_field)


def ties() -> list[Tie]:
    return list(_ties.values())


def belonging_q(centre_ids) -> Q:
    """A Q on the user model: people tied to any of these centres by any registered tie."""
    q = Q(pk__in=[])
    for tie in _ties.values():
        q |= Q(pk__in=tie.user_ids(centre_ids))
    return q
