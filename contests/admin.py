"""Office admin of contests: phases inline, entry actions through the workflow, rounds, paper ballots, votes
(void, never delete) and a CSV export of the results."""

from __future__ import annotations

import csv

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from centres.admin_scoping import CentreScopedAdmin, CentreScopedTabularInline

from . import selectors, services
from .models import (
    ConflictOfInterest,
    Contest,
    Criterion,
    Entry,
    EntryImage,
    EntryStatusChange,
    JuryMember,
    Nomination,
    PaperBallotBatch,
    Phase,
    RoundEntry,
    Score,
    Vote,
    VotingRound,
)


def _messages_of(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)


class PhaseInline(CentreScopedTabularInline):
    model = Phase
    extra = 0
    fields = ["kind", "starts_at", "ends_at", "closed_early_at", "opened_at", "closed_at"]
    readonly_fields = ["closed_early_at", "opened_at", "closed_at"]


class CriterionInline(CentreScopedTabularInline):
    model = Criterion
    extra = 0
    fields = ["name_pl", "name_en", "weight", "max_score", "position"]


class JuryInline(CentreScopedTabularInline):
    model = JuryMember
    extra = 0
    fields = ["user", "is_chair"]
    raw_id_fields = ["user"]


class RoundInline(CentreScopedTabularInline):
    model = VotingRound
    extra = 0
    fields = ["number", "name", "starts_at", "ends_at", "eligibility"]
    show_change_link = True


def export_results_csv(modeladmin, request: HttpRequest, queryset: QuerySet) -> HttpResponse:
    """Results of every round of the chosen contests, with the final ranking, as a CSV file for Excel."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="contest-results.csv"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow([_("contest"), _("round"), _("rank"), _("entry"), _("online votes"), _("paper votes"),
                     _("total"), _("percent")])
    for contest in queryset:
        for voting_round in contest.rounds.order_by("number"):
            for row in selectors.round_result_rows(voting_round=voting_round):
                writer.writerow([contest.title, voting_round.label, row["rank"], row["title"], row["online_votes"],
                                 row["paper_votes"], row["total_votes"], row["percent"]])
        for row in selectors.final_ranking(contest=contest):
            writer.writerow([contest.title, _("final ranking"), row.rank, row.entry.title, row.public_votes, "",
                             row.final_score, ""])
    return response


export_results_csv.short_description = _("Export results (CSV)")


@admin.register(Contest)
class ContestAdmin(CentreScopedAdmin):
    list_display = ["title_pl", "centre", "kind", "year", "ranking_method", "results_published_at"]
    list_filter = ["centre", "kind", "year", "ranking_method"]
    search_fields = ["title_pl", "title_en", "slug"]
    prepopulated_fields = {"slug": ["title_pl"]}
    readonly_fields = ["results_published_at", "results_published_by"]
    inlines = [PhaseInline, CriterionInline, JuryInline, RoundInline]
    actions = [export_results_csv, "publish", "close_current_phase"]

    @admin.action(description=_("Publish the results"))
    def publish(self, request: HttpRequest, queryset: QuerySet) -> None:
        for contest in queryset:
            try:
                services.publish_results(contest=contest, by=request.user)
                self.message_user(request, _("Results of “%(c)s” published.") % {"c": contest})
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, f"{contest}: {_messages_of(exc)}", messages.ERROR)

    @admin.action(description=_("Close the current phase early"))
    def close_current_phase(self, request: HttpRequest, queryset: QuerySet) -> None:
        for contest in queryset.prefetch_related("phases"):
            phase = contest.current_phase()
            if phase is None:
                self.message_user(request, _("“%(c)s” has no open phase.") % {"c": contest}, messages.WARNING)
                continue
            try:
                services.close_phase_early(phase=phase, by=request.user)
                self.message_user(request, _("%(p)s closed.") % {"p": phase})
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, f"{contest}: {_messages_of(exc)}", messages.ERROR)


class EntryImageInline(CentreScopedTabularInline):
    model = EntryImage
    extra = 0
    fields = ["image", "alt_text", "position"]


class NominationInline(CentreScopedTabularInline):
    model = Nomination
    extra = 0
    fields = ["user", "relation", "reason", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class HistoryInline(CentreScopedTabularInline):
    model = EntryStatusChange
    extra = 0
    fields = ["from_status", "to_status", "by", "at", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


def _status_action(to: str, label):
    def action(modeladmin, request: HttpRequest, queryset: QuerySet) -> None:
        reason = request.POST.get("reason", "") or str(_("Decided by the commission."))
        done = 0
        for entry in queryset:
            try:
                services.set_entry_status(entry=entry, to=to, by=request.user, reason=reason)
                done += 1
            except (ValidationError, PermissionDenied) as exc:
                modeladmin.message_user(request, f"{entry}: {_messages_of(exc)}", messages.ERROR)
        if done:
            modeladmin.message_user(request, _("%(n)s entries changed.") % {"n": done})

    action.__name__ = f"mark_{to}"
    action.short_description = label
    return action


@admin.register(Entry)
class EntryAdmin(CentreScopedAdmin):
    centre_field = "contest__centre"
    list_display = ["title", "contest", "status", "submitted_by", "created_at"]
    list_filter = ["contest__centre", "contest", "status"]
    search_fields = ["title", "description", "submitted_by__email"]
    readonly_fields = ["status", "ineligible_reason", "created_at"]
    raw_id_fields = ["submitted_by", "garden"]
    inlines = [EntryImageInline, NominationInline, HistoryInline]
    actions = [
        "check_eligibility",
        _status_action(Entry.Status.ELIGIBLE, _("Mark eligible")),
        _status_action(Entry.Status.INELIGIBLE, _("Mark ineligible (reason: decided by the commission)")),
        _status_action(Entry.Status.SHORTLISTED, _("Shortlist")),
        _status_action(Entry.Status.FINALIST, _("Make finalist")),
        _status_action(Entry.Status.WINNER, _("Make winner")),
    ]

    @admin.action(description=_("Check eligibility by the contest's rules"))
    def check_eligibility(self, request: HttpRequest, queryset: QuerySet) -> None:
        for entry in queryset.filter(status=Entry.Status.SUBMITTED):
            try:
                entry = services.check_eligibility(entry=entry, by=request.user)
                self.message_user(request, f"{entry}: {entry.get_status_display()}")
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, f"{entry}: {_messages_of(exc)}", messages.ERROR)


class RoundEntryInline(CentreScopedTabularInline):
    model = RoundEntry
    extra = 0
    raw_id_fields = ["entry"]


@admin.register(VotingRound)
class VotingRoundAdmin(CentreScopedAdmin):
    centre_field = "contest__centre"
    list_display = ["__str__", "number", "starts_at", "ends_at", "eligibility"]
    list_filter = ["contest__centre", "contest", "eligibility"]
    search_fields = ["name", "contest__title_pl"]
    inlines = [RoundEntryInline]
    actions = ["fill_top_8"]

    @admin.action(description=_("Fill with the top 8 of the previous round (or the shortlist)"))
    def fill_top_8(self, request: HttpRequest, queryset: QuerySet) -> None:
        for voting_round in queryset:
            try:
                added = services.fill_round(voting_round=voting_round, by=request.user, top=8)
                self.message_user(request, _("%(n)s entries in %(r)s.") % {"n": len(added), "r": voting_round})
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, f"{voting_round}: {_messages_of(exc)}", messages.ERROR)


class PaperBallotBatchForm(forms.ModelForm):
    class Meta:
        model = PaperBallotBatch
        fields = ["round", "entry", "place", "count", "note"]

    def clean(self) -> dict:
        data = super().clean()
        voting_round = data.get("round")
        if voting_round is not None and self.instance.pk is None:
            try:
                services.check_paper_ballots(voting_round=voting_round, entry=data.get("entry"),
                                             place=data.get("place", ""), count=data.get("count"), by=self.user)
            except PermissionDenied as exc:
                raise ValidationError(str(exc)) from exc
        return data


@admin.register(PaperBallotBatch)
class PaperBallotBatchAdmin(CentreScopedAdmin):
    """Batches are added through the service (checked, audited); they are never edited or deleted here."""

    centre_field = "round__contest__centre"
    form = PaperBallotBatchForm
    list_display = ["round", "entry", "place", "count", "entered_by", "entered_at"]
    list_filter = ["round__contest__centre", "round"]
    search_fields = ["place", "entry__title", "note"]
    raw_id_fields = ["entry"]

    def get_fields(self, request, obj=None):
        base = ["round", "entry", "place", "count", "note"]
        return [*base, "entered_by", "entered_at"] if obj is not None else base

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj) if obj is not None else []

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user
        return form

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        if change:
            return
        batch = services.add_paper_ballots(voting_round=obj.round, entry=obj.entry, place=obj.place,
                                           count=obj.count, by=request.user, note=obj.note)
        obj.pk = batch.pk


@admin.register(Vote)
class VoteAdmin(CentreScopedAdmin):
    """Votes are read-only and never deleted; staff void them with a reason (they stay listed)."""

    centre_field = "round__contest__centre"
    list_display = ["round", "entry", "voter", "created_at", "voided_at", "void_reason"]
    list_filter = ["round__contest__centre", "round", ("voided_at", admin.EmptyFieldListFilter)]
    search_fields = ["voter__email", "entry__title"]
    readonly_fields = ["round", "entry", "voter", "created_at", "voided_at", "voided_by", "void_reason"]
    actions = ["void"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Void the chosen votes (reason: irregular vote found by the office)"))
    def void(self, request: HttpRequest, queryset: QuerySet) -> None:
        reason = request.POST.get("reason", "") or str(_("Irregular vote found by the office."))
        for vote in queryset.filter(voided_at__isnull=True):
            try:
                services.void_vote(vote=vote, by=request.user, reason=reason)
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, _messages_of(exc), messages.ERROR)


@admin.register(Score)
class ScoreAdmin(CentreScopedAdmin):
    centre_field = "entry__contest__centre"
    list_display = ["entry", "criterion", "juror", "value", "created_at"]
    list_filter = ["entry__contest__centre", "entry__contest"]
    readonly_fields = ["juror", "entry", "criterion", "value", "comment", "created_at"]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(ConflictOfInterest)
class ConflictAdmin(CentreScopedAdmin):
    centre_field = "entry__contest__centre"
    list_display = ["juror", "entry", "declared_at", "reason"]
    list_filter = ["entry__contest__centre", "entry__contest"]
    readonly_fields = ["juror", "entry", "declared_at", "reason"]

    def has_add_permission(self, request) -> bool:
        return False
