"""What the mural register offers the office (core.office): its export."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.office import Dataset, register_dataset

register_dataset(Dataset("murals", _("Mural register"), "murals.resources.MuralResource", "murals.mural"))
