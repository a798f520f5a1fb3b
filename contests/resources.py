"""Export of contest results for the office (django-import-export): one row per entry and voting round."""

from __future__ import annotations

from import_export import fields

from core.resources import CentreResource

from .models import RoundEntry
from .selectors import annotate_results, percent


class ContestResultResource(CentreResource):
    """Export only: contest, round, entry, online votes, paper votes, total, percent, rank (all from the DB)."""

    centre_path = "round__contest__centre"

    contest = fields.Field(attribute="round__contest__title_pl", column_name="contest", readonly=True)
    round = fields.Field(column_name="round", readonly=True)
    entry = fields.Field(attribute="entry__title", column_name="entry", readonly=True)
    online_votes = fields.Field(attribute="online_votes", column_name="online_votes", readonly=True)
    paper_votes = fields.Field(attribute="paper_votes", column_name="paper_votes", readonly=True)
    total = fields.Field(attribute="total_votes", column_name="total", readonly=True)
    percent = fields.Field(column_name="percent", readonly=True)
    rank = fields.Field(attribute="vote_rank", column_name="rank", readonly=True)

    class Meta:
        model = RoundEntry
        fields = ("contest", "round", "entry", "online_votes", "paper_votes", "total", "percent", "rank")
        export_order = fields

    def get_queryset(self):
        return (annotate_results(super().get_queryset())
                .select_related("round__contest", "entry")
                .order_by("round__contest__year", "round__contest_id", "round__number", "vote_rank", "entry_id"))

    def dehydrate_round(self, row: RoundEntry) -> str:
        return row.round.label

    def dehydrate_percent(self, row: RoundEntry) -> str:
        return str(percent(row.total_votes, row.round_total or 0))
