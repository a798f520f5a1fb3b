"""Office admin of contests: phases inline, entry actions through the workflow, rounds, paper ballots, votes
(void, never delete), ballot protocols, conflicts, the contest's history and a CSV export of the results.

Every write goes through the service the API and pages use. A form first runs the service as a dry run (in a
savepoint that is rolled back) so that a refusal comes back as a form error, then `save_model` runs it for
real: a rule checked in one place holds in all.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from centres.admin_scoping import CentreScopedAdmin, CentreScopedTabularInline
from core import formats
from core.csv import csv_response
from core.forms import add_service_errors
from core.uploads import IMAGE, check_upload

from . import selectors, services
from .models import (
    BallotProtocol,
    ConflictOfInterest,
    Contest,
    ContestEvent,
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


class _DryRun(Exception):
    pass


def dry_run(form, fn, *, fields: dict[str, str] | None = None, **kwargs) -> None:
    """Run a service in a savepoint that is rolled back: its refusals become errors of the form."""
    try:
        with transaction.atomic():
            fn(**kwargs)
            raise _DryRun
    except _DryRun:
        pass
    except ValidationError as exc:
        add_service_errors(form, exc, fields=fields)
    except PermissionDenied as exc:
        form.add_error(None, str(exc))


class ReasonActionForm(ActionForm):
    """The admin's action bar with a reason: voiding, reversing, republishing need one."""

    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000)


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
    """Rounds are listed here and changed on their own page (through the service, frozen once voted in)."""

    model = VotingRound
    extra = 0
    fields = ["number", "name", "starts_at", "ends_at", "eligibility"]
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


def export_results_csv(modeladmin, request: HttpRequest, queryset: QuerySet) -> HttpResponse:
    """Results of every round of the chosen contests, with the final ranking, as a CSV file for Excel, to read:
    numbers in the language's formats ("1 204", "12,5%"); the open-data CSV of a contest keeps plain numbers."""
    rows = []
    for contest in queryset:
        for voting_round in contest.rounds.order_by("number"):
            for row in selectors.round_result_rows(voting_round=voting_round):
                rows.append([contest.title, voting_round.label, row["rank"] or "", row["title"],
                             formats.cell(row["online_votes"]), formats.cell(row["paper_votes"]),
                             formats.cell(row["total_votes"]), formats.cell(row["percent"], "percent"),
                             row["out_reason"]])
        for row in selectors.final_ranking(contest=contest):
            rows.append([contest.title, _("final ranking"), row.rank, row.entry.title,
                         formats.cell(row.public_votes), "", formats.cell(row.final_score), "", ""])
    return csv_response("contest-results.csv", [
        _("contest"), _("round"), _("rank"), _("entry"), _("online votes"), _("paper votes"), _("total"),
        _("percent"), _("out of the ranking")], rows)


export_results_csv.short_description = _("Export results (CSV)")


class ActingUserFormMixin:
    """The admin form knows who acts (its clean() asks the service's questions as that person)."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.user = request.user
        return form


@admin.register(Contest)
class ContestAdmin(CentreScopedAdmin):
    list_display = ["title_pl", "centre", "kind", "year", "ranking_method", "results_published_at"]
    list_filter = ["centre", "kind", "year", "ranking_method"]
    search_fields = ["title_pl", "title_en", "slug"]
    prepopulated_fields = {"slug": ["title_pl"]}
    readonly_fields = ["results_published_at", "results_published_by", "correction_opened_at", "correction_reason"]
    inlines = [PhaseInline, CriterionInline, JuryInline, RoundInline]
    action_form = ReasonActionForm
    actions = [export_results_csv, "publish", "open_correction", "close_current_phase"]

    @admin.action(description=_("Publish the results"))
    def publish(self, request: HttpRequest, queryset: QuerySet) -> None:
        """Publish (or, after an open correction, republish with the reason given in the action bar)."""
        reason = request.POST.get("reason", "")
        for contest in queryset:
            try:
                publication = services.publish_results(contest=contest, by=request.user, reason=reason)
                if publication.version == 1:
                    self.message_user(request, _("Results of “%(c)s” published.") % {"c": contest})
                else:
                    self.message_user(request, _("Results of “%(c)s” republished (version %(v)s).")
                                      % {"c": contest, "v": publication.version})
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, f"{contest}: {_messages_of(exc)}", messages.ERROR)

    @admin.action(description=_("Open a correction of the published results (reason required)"))
    def open_correction(self, request: HttpRequest, queryset: QuerySet) -> None:
        for contest in queryset:
            try:
                services.open_correction(contest=contest, by=request.user, reason=request.POST.get("reason", ""))
                self.message_user(request, _("A correction of “%(c)s” is open.") % {"c": contest})
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


class EntryImageForm(forms.ModelForm):
    """A new image passes the one upload check (core.uploads): re-encoded, stored under a random name."""

    class Meta:
        model = EntryImage
        fields = ["image", "alt_text", "position"]

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if image is not None and "image" in self.changed_data:
            try:
                return check_upload(image, kinds={IMAGE}, field="image").as_file()
            except ValidationError as exc:
                raise ValidationError(exc.message_dict["image"]) from exc
        return image


class EntryImageInline(CentreScopedTabularInline):
    model = EntryImage
    form = EntryImageForm
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
    fields = ["from_status", "to_status", "by", "created_at", "note"]
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


class RoundEntryFormSet(forms.BaseInlineFormSet):
    """New and removed entries of a round go through the service (same contest, accepted, not yet voted)."""

    def clean(self) -> None:
        super().clean()
        voting_round = self.instance
        if voting_round.pk is None or any(self.errors):
            return
        added = [f.cleaned_data["entry"] for f in self.extra_forms + [f for f in self.initial_forms if f.has_changed()]
                 if f.cleaned_data.get("entry") and not f.cleaned_data.get("DELETE")]
        removed = [f.instance for f in self.initial_forms if f.cleaned_data.get("DELETE")]
        if added:
            dry_run(self.forms[0], services.add_round_entries, voting_round=voting_round, entries=added,
                    by=self.user)
        for round_entry in removed:
            dry_run(self.forms[0], services.remove_round_entry, round_entry=round_entry, by=self.user)
        errors = [e for f in self.forms for e in f.non_field_errors()]
        if errors:
            raise ValidationError(errors)


class RoundEntryInline(CentreScopedTabularInline):
    model = RoundEntry
    formset = RoundEntryFormSet
    extra = 0
    fields = ["entry", "withdrawn_at", "withdrawn_reason"]
    readonly_fields = ["withdrawn_at", "withdrawn_reason"]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.user = request.user
        entry_field = formset.form.base_fields.get("entry")
        if entry_field is not None:
            contest_id = obj.contest_id if obj is not None else None
            entry_field.queryset = Entry.objects.filter(contest_id=contest_id,
                                                        status__in=services.ACCEPTED_STATUSES)
        return formset

    def _frozen(self, obj) -> bool:
        return obj is None or services.round_has_votes(obj) or obj.starts_at <= timezone.now()

    def has_add_permission(self, request, obj=None) -> bool:
        return super().has_add_permission(request, obj) and not self._frozen(obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return super().has_change_permission(request, obj) and not self._frozen(obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return super().has_delete_permission(request, obj) and not self._frozen(obj)


class VotingRoundForm(forms.ModelForm):
    class Meta:
        model = VotingRound
        fields = ["contest", "number", "name", "starts_at", "ends_at", "eligibility", "eligible_voters"]

    def clean(self) -> dict:
        data = super().clean()
        if self.errors:
            return data
        fields = {k: data[k] for k in services.ROUND_FIELDS if k in data and k in self.changed_data}
        if self.instance.pk is None:
            if data.get("contest") is not None:
                dry_run(self, services.create_round, contest=data["contest"], by=self.user,
                        **{k: data.get(k) for k in services.ROUND_FIELDS})
        elif fields:
            dry_run(self, services.update_round, voting_round=self.instance, by=self.user, **fields)
        return data


@admin.register(VotingRound)
class VotingRoundAdmin(ActingUserFormMixin, CentreScopedAdmin):
    """Rounds are created and changed through the service. Once a round has a vote its start, eligibility and
    number are read-only (and its end once passed), and its entry list can no longer change."""

    centre_field = "contest__centre"
    form = VotingRoundForm
    list_display = ["__str__", "number", "starts_at", "ends_at", "eligibility"]
    list_filter = ["contest__centre", "contest", "eligibility"]
    search_fields = ["name", "contest__title_pl"]
    inlines = [RoundEntryInline]
    actions = ["fill_top_8"]

    def get_readonly_fields(self, request, obj=None):
        frozen = services.frozen_round_fields(obj) if obj is not None else []
        return ["contest", *frozen] if obj is not None else []

    def get_fieldsets(self, request, obj=None):
        fields = ["contest", "number", "name", "starts_at", "ends_at", "eligibility", "eligible_voters"]
        if obj is not None and services.round_has_votes(obj):
            return [(None, {"fields": fields, "description": _(
                "This round has votes, so its rules are frozen: its start, who may vote and its entries can no "
                "longer change; its end may only be extended, before it passes.")})]
        return [(None, {"fields": fields})]


    def has_delete_permission(self, request, obj=None) -> bool:
        return obj is None or not services.round_has_votes(obj)

    def save_model(self, request, obj, form, change) -> None:
        data = form.cleaned_data
        if not change:
            created = services.create_round(contest=data["contest"], by=request.user,
                                            **{k: data.get(k) for k in services.ROUND_FIELDS})
            obj.pk = created.pk
            return
        changed = {k: data[k] for k in services.ROUND_FIELDS if k in data and k in form.changed_data}
        if changed:
            services.update_round(voting_round=obj, by=request.user, **changed)

    def save_formset(self, request, form, formset, change) -> None:
        if formset.model is not RoundEntry:
            return super().save_formset(request, form, formset, change)
        voting_round = form.instance
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        added = [f.cleaned_data["entry"] for f in formset.extra_forms
                 if f.has_changed() and f.cleaned_data.get("entry") and not f.cleaned_data.get("DELETE")]
        for f in formset.initial_forms:
            if f.cleaned_data.get("DELETE"):
                services.remove_round_entry(round_entry=f.instance, by=request.user)
                formset.deleted_objects.append(f.instance)
        if added:
            formset.new_objects = services.add_round_entries(voting_round=voting_round, entries=added,
                                                             by=request.user)

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
        fields = ["round", "entry", "protocol_number", "place", "count", "counted_by", "note"]

    def clean(self) -> dict:
        data = super().clean()
        voting_round = data.get("round")
        if voting_round is not None and self.instance.pk is None and not self.errors:
            dry_run(self, services.add_paper_ballots, voting_round=voting_round, entry=data.get("entry"),
                    place=data.get("place", ""), count=data.get("count"), by=self.user,
                    protocol_number=data.get("protocol_number", ""), counted_by=data.get("counted_by", ""),
                    note=data.get("note", ""))
        return data


@admin.register(PaperBallotBatch)
class PaperBallotBatchAdmin(ActingUserFormMixin, CentreScopedAdmin):
    """Batches are added through the service (checked, audited); never edited or deleted: a mistaken batch is
    reversed (the action, with its reason), and the right figures entered under the same protocol number."""

    centre_field = "round__contest__centre"
    form = PaperBallotBatchForm
    action_form = ReasonActionForm
    list_display = ["round", "protocol_number", "entry", "place", "count", "counted_by", "entered_by",
                    "entered_at", "reverses"]
    list_filter = ["round__contest__centre", "round"]
    search_fields = ["place", "entry__title", "note", "protocol_number"]
    actions = ["reverse"]

    def get_fields(self, request, obj=None):
        base = ["round", "entry", "protocol_number", "place", "count", "counted_by", "note"]
        return [*base, "entered_by", "entered_at", "reverses", "reversed_at"] if obj is not None else base

    def get_readonly_fields(self, request, obj=None):
        return self.get_fields(request, obj) if obj is not None else []


    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        if change:
            return
        batch = services.add_paper_ballots(voting_round=obj.round, entry=obj.entry, place=obj.place,
                                           count=obj.count, by=request.user, note=obj.note,
                                           protocol_number=obj.protocol_number, counted_by=obj.counted_by)
        obj.pk = batch.pk

    @admin.action(description=_("Reverse the chosen batches (reason required)"))
    def reverse(self, request: HttpRequest, queryset: QuerySet) -> None:
        for batch in queryset:
            try:
                services.reverse_paper_batch(batch=batch, by=request.user, reason=request.POST.get("reason", ""))
                self.message_user(request, _("Batch %(n)s reversed.") % {"n": batch.protocol_number})
            except (ValidationError, PermissionDenied) as exc:
                self.message_user(request, f"{batch}: {_messages_of(exc)}", messages.ERROR)


class BallotProtocolForm(forms.ModelForm):
    class Meta:
        model = BallotProtocol
        fields = ["round", "issued", "returned", "valid", "void", "note"]

    def clean(self) -> dict:
        data = super().clean()
        if data.get("round") is not None and not self.errors:
            dry_run(self, services.record_protocol, voting_round=data["round"], by=self.user,
                    **{k: data.get(k) for k in ("issued", "returned", "valid", "void", "note")})
        return data


@admin.register(BallotProtocol)
class BallotProtocolAdmin(ActingUserFormMixin, CentreScopedAdmin):
    """The round's paper-ballot protocol, recorded through the service (audited); checked at publication."""

    centre_field = "round__contest__centre"
    form = BallotProtocolForm
    list_display = ["round", "issued", "returned", "valid", "void", "recorded_by", "recorded_at"]
    list_filter = ["round__contest__centre"]
    readonly_fields = ["recorded_by", "recorded_at"]


    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        data = form.cleaned_data
        protocol = services.record_protocol(voting_round=data["round"], by=request.user,
                                            **{k: data.get(k) for k in ("issued", "returned", "valid", "void",
                                                                        "note")})
        obj.pk = protocol.pk


@admin.register(Vote)
class VoteAdmin(CentreScopedAdmin):
    """Votes are read-only and never deleted; staff void them with a reason (they stay listed)."""

    centre_field = "round__contest__centre"
    list_display = ["round", "entry", "voter", "created_at", "voided_at", "void_reason"]
    list_filter = ["round__contest__centre", "round", ("voided_at", admin.EmptyFieldListFilter)]
    search_fields = ["voter__email", "entry__title"]
    readonly_fields = ["round", "entry", "round_entry", "voter", "created_at", "voided_at", "voided_by",
                       "void_reason"]
    action_form = ReasonActionForm
    actions = ["void"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description=_("Void the chosen votes (reason: the one given, else irregular vote found by the "
                                "office)"))
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


class ConflictForm(forms.ModelForm):
    class Meta:
        model = ConflictOfInterest
        fields = ["juror", "entry", "reason"]

    def clean(self) -> dict:
        data = super().clean()
        if data.get("juror") is not None and data.get("entry") is not None and not self.errors:
            dry_run(self, services.record_conflict, juror=data["juror"], entry=data["entry"], by=self.user,
                    reason=data.get("reason", ""))
        return data


@admin.register(ConflictOfInterest)
class ConflictAdmin(ActingUserFormMixin, CentreScopedAdmin):
    """Conflicts declared by jurors, and recorded by the office (through the service: the juror's scores of the
    entry stop counting)."""

    centre_field = "entry__contest__centre"
    form = ConflictForm
    list_display = ["juror", "entry", "declared_at", "recorded_by", "reason"]
    list_filter = ["entry__contest__centre", "entry__contest"]

    def get_readonly_fields(self, request, obj=None):
        return ["juror", "entry", "declared_at", "reason", "recorded_by"] if obj is not None else []


    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        if change:
            return
        conflict = services.record_conflict(juror=obj.juror, entry=obj.entry, by=request.user, reason=obj.reason)
        obj.pk = conflict.pk


@admin.register(ContestEvent)
class ContestEventAdmin(CentreScopedAdmin):
    """The contest's history: every void, batch, protocol, withdrawal, conflict, correction and publication."""

    centre_field = "contest__centre"
    list_display = ["created_at", "contest", "kind", "round", "by", "note", "detail"]
    list_filter = ["contest__centre", "contest", "kind"]
    search_fields = ["note", "detail"]
    readonly_fields = ["contest", "kind", "round", "by", "created_at", "note", "detail"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
