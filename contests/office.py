"""What contests offer the office (core.office): the running contests and their votes, the results export."""

from __future__ import annotations

from django.db.models import Count, Exists, Min, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from centres.models import Centre
from core.office import Chart, Dataset, register_chart, register_dataset

from .models import Contest, Phase, Vote


def running_contests(centre: Centre) -> Chart:
    """Contests that have started and have not reached their results, with their valid votes so far."""
    now = timezone.now()
    results_out = Phase.objects.filter(contest=OuterRef("pk"), kind=Phase.Kind.RESULTS, starts_at__lte=now)
    votes = (Vote.objects.filter(round__contest=OuterRef("pk"), voided_at__isnull=True).order_by()
             .values("round__contest").annotate(n=Count("pk")).values("n"))
    rows = list(Contest.objects.filter(centre=centre).annotate(started=Min("phases__starts_at"))
                .filter(started__lte=now).exclude(Exists(results_out))
                .annotate(votes=Coalesce(Subquery(votes[:1]), 0))
                .order_by("-votes", "title_pl").values_list("title_pl", "votes"))
    return Chart("running-contests", _("Running contests and their votes"), [_("Contest"), _("Valid votes")], rows)


register_chart("running-contests", running_contests, position=70)
register_dataset(Dataset("contest-results", _("Contest results"), "contests.resources.ContestResultResource",
                         "contests.contest"))
