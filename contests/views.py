"""Pages of the contests: list, contest page (entries, nomination or entry form, voting form), results with a
bar chart, the juror's scoring page and a person's own entries and votes. Thin: the services decide."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from centres.selectors import current_centre, is_staff_of
from core.cache import public_page
from core.csv import csv_response
from core.forms import add_service_errors

from . import selectors, services
from .forms import ConflictForm, EntryForm, NominationForm, ScoreForm, VoteForm
from .models import Contest, Entry, Phase, Vote


def _contest(pk: int) -> Contest:
    return get_object_or_404(selectors.contest_list(), pk=pk)


@public_page("contests", timeout=30)  # phases open and close by the clock: 30 s at most
def contest_list(request: HttpRequest) -> HttpResponse:
    centre = current_centre(request)
    contests = selectors.contest_list().filter(centre=centre) if centre else Contest.objects.none()
    now = timezone.now()
    rows = [{"contest": c, "phase": c.current_phase(now)} for c in contests]
    return render(request, "contests/contest_list.html", {"rows": rows})


def _detail_context(request: HttpRequest, contest: Contest, *, entry_form=None, vote_form=None) -> dict:
    user = request.user
    now = timezone.now()
    entries_phase = contest.phase(Phase.Kind.ENTRIES)
    entries_open = entries_phase is not None and entries_phase.is_open(now)
    voting_round = selectors.open_round(contest)
    context = {
        "contest": contest,
        "phases": sorted(contest.phases.all(), key=lambda p: p.starts_at),
        "current_phase": contest.current_phase(now),
        "entries": selectors.visible_entries(contest=contest, user=user),
        "entries_open": entries_open,
        "is_garden_contest": contest.kind == Contest.Kind.GREEN_GARDEN,
        "voting_round": voting_round,
        "is_staff": is_staff_of(user, contest.centre_id),
        "is_juror": selectors.juror_seat(contest=contest, user=user) is not None,
        "results_visible": selectors.results_visible(contest=contest, user=user),
    }
    if entries_open and user.is_authenticated:
        if entry_form is None:
            entry_form = NominationForm(contest=contest) if context["is_garden_contest"] else EntryForm()
        context["entry_form"] = entry_form
    if voting_round is not None:
        round_entries = Entry.objects.filter(round_entries__round=voting_round).order_by("title")
        context["round_entries"] = (selectors.entry_list().filter(round_entries__round=voting_round)
                                    .order_by("title"))
        context["vote_form"] = vote_form or VoteForm(entries=round_entries)
        if user.is_authenticated:
            context["my_vote"] = (Vote.objects.filter(round=voting_round, voter=user).select_related("entry")
                                  .first())
            context["vote_refusal"] = services.voter_may_vote(voting_round=voting_round, user=user)
    return context


@public_page("contests", timeout=30)
def contest_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contest = _contest(pk)
    return render(request, "contests/contest_detail.html", _detail_context(request, contest))


@login_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Nominate a garden (green-garden contest) or submit a design; errors re-render the contest page."""
    contest = _contest(pk)
    garden_contest = contest.kind == Contest.Kind.GREEN_GARDEN
    form = (NominationForm(request.POST, request.FILES, contest=contest) if garden_contest
            else EntryForm(request.POST, request.FILES))
    if form.is_valid():
        data = form.cleaned_data
        images = [(data["image"], data.get("alt_text") or "")] if data.get("image") else []
        try:
            if garden_contest:
                services.nominate_garden(contest=contest, garden=data["garden"], by=request.user,
                                         relation=data["relation"], reason=data["reason"], images=images)
                messages.success(request, _("Thank you: your nomination is recorded."))
            else:
                services.submit_entry(contest=contest, by=request.user, title=data["title"],
                                      description=data["description"], images=images,
                                      attachment=data.get("attachment"))
                messages.success(request, _("Thank you: your entry is submitted."))
            return redirect("contests:contest-detail", pk=contest.pk)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:  # e.g. a deactivated account: said on the form, not a bare 403 page
            form.add_error(None, str(exc))
    return render(request, "contests/contest_detail.html", _detail_context(request, contest, entry_form=form),
                  status=400)


@login_required
@require_POST
def vote(request: HttpRequest, pk: int) -> HttpResponse:
    """Cast the one vote of this round; a second vote is refused with the message on the page."""
    contest = _contest(pk)
    voting_round = selectors.open_round(contest)
    if voting_round is None:
        messages.error(request, _("Voting in this contest is not open now."))
        return redirect("contests:contest-detail", pk=contest.pk)
    entries = selectors.entry_list().filter(round_entries__round=voting_round)
    form = VoteForm(request.POST, entries=entries)
    if form.is_valid():
        try:
            services.cast_vote(voting_round=voting_round, entry=form.cleaned_data["entry"], voter=request.user)
            messages.success(request, _("Thank you: your vote is counted."))
            return redirect("contests:contest-detail", pk=contest.pk)
        except ValidationError as exc:
            add_service_errors(form, exc)  # shown once, in the form's alert next to the choice
    return render(request, "contests/contest_detail.html", _detail_context(request, contest, vote_form=form),
                  status=400)


def _results(request: HttpRequest, contest: Contest) -> selectors.ContestResults:
    """The published snapshot (a `?version=` of an earlier one on request); staff of the centre see the live
    figures before publication. Anyone else: not found."""
    version = request.GET.get("version")
    version = int(version) if version and version.isdigit() and len(version) < 6 else None
    results = selectors.published_results(contest=contest, version=version)
    if results is None:
        if version is None and is_staff_of(request.user, contest.centre_id):
            return selectors.compute_results(contest=contest)
        raise Http404
    return results


@public_page("contest-results", timeout=30)
def results(request: HttpRequest, pk: int) -> HttpResponse:
    """The results as published (the snapshot): the counting rule, the totals, each round's votes with bars,
    the final ranking, the tie rule; "corrected on …" with the earlier versions after a republication. Staff
    also see what is out of the ranking and why, and the contest's history."""
    contest = _contest(pk)
    results = _results(request, contest)
    is_staff = is_staff_of(request.user, contest.centre_id)
    for block in results.rounds:
        top = max((r.total_votes for r in block.ranked), default=0)
        for r in block.ranked:
            r.bar = round(r.total_votes * 100 / top) if top and r.total_votes > 0 else 0
    latest = results.versions[0] if results.versions else None
    context = {
        "contest": contest, "results": results, "rounds": results.rounds, "ranking": results.ranking,
        "published": results.published, "is_staff": is_staff, "latest": latest,
        "is_latest": results.publication is not None and latest is not None
        and results.publication.pk == latest.pk,
        "earlier": [p for p in results.versions if results.publication and p.version < results.publication.version],
    }
    if is_staff:
        context["history"] = selectors.contest_history(contest)[:50]
        context["problems"] = [] if contest.results_frozen else list(
            services.publication_problems(contest).values())
    return render(request, "contests/results.html", context)


def _published_or_404(request: HttpRequest, pk: int) -> selectors.ContestResults:
    contest = _contest(pk)
    version = request.GET.get("version")
    results = selectors.published_results(
        contest=contest, version=int(version) if version and version.isdigit() and len(version) < 6 else None)
    if results is None:
        raise Http404
    return results


def _open_rows(results: selectors.ContestResults) -> list[dict]:
    """One row per entry and round, and one per entry of the final ranking: the published figures."""
    publication = results.publication
    base = {"contest": results.contest.title_pl, "version": publication.version,
            "published_at": publication.published_at.isoformat()}
    rows = []
    for block in results.rounds:
        for r in block.rows:
            rows.append({**base, "round": block.round.label, "rank": r.rank, "entry_id": r.entry_id,
                         "entry": r.title, "web_votes": r.web_votes, "paper_votes": r.paper_votes,
                         "voided": r.voided, "total_votes": r.total_votes, "percent": str(r.percent),
                         "jury_score": None, "final_score": None, "out_of_ranking": r.out_reason or None})
    for r in results.ranking:
        rows.append({**base, "round": "final", "rank": r.rank, "entry_id": r.entry.pk, "entry": r.title,
                     "web_votes": r.web_votes, "paper_votes": r.paper_votes, "voided": r.voided,
                     "total_votes": r.public_votes, "percent": None,
                     "jury_score": str(r.commission_score) if results.uses_commission else None,
                     "final_score": str(r.final_score), "out_of_ranking": None})
    return rows


OPEN_DATA_FIELDS = ["contest", "version", "published_at", "round", "rank", "entry_id", "entry", "web_votes",
                    "paper_votes", "voided", "total_votes", "percent", "jury_score", "final_score",
                    "out_of_ranking"]


def results_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """Open data: the published snapshot as CSV (UTF-8 with BOM, `;`)."""
    results = _published_or_404(request, pk)
    rows = _open_rows(results)
    return csv_response(f"contest-{pk}-results-v{results.publication.version}.csv", OPEN_DATA_FIELDS,
                        [["" if row[k] is None else row[k] for k in OPEN_DATA_FIELDS] for row in rows])


def results_json(request: HttpRequest, pk: int) -> JsonResponse:
    """Open data: the published snapshot as JSON, with its rules and totals."""
    results = _published_or_404(request, pk)
    publication = results.publication
    response = JsonResponse({
        "contest": results.contest.title_pl, "version": publication.version,
        "published_at": publication.published_at.isoformat(),
        "correction_reason": publication.reason, "counting_rule": publication.counting_rule,
        "tie_rule": publication.tie_rule, "scoring_rule": publication.scoring_rule,
        "totals": publication.totals, "rows": _open_rows(results),
        "licence": "CC BY 4.0",
    }, json_dumps_params={"ensure_ascii": False})
    response["Content-Disposition"] = f'attachment; filename="contest-{pk}-results-v{publication.version}.json"'
    return response


@login_required
@require_http_methods(["GET", "POST"])
def jury(request: HttpRequest, pk: int) -> HttpResponse:
    """A juror's scoring page: the entries, the criteria, their own scores and conflict declarations."""
    contest = _contest(pk)
    seat = selectors.juror_seat(contest=contest, user=request.user)
    if seat is None:
        raise Http404
    score_form, conflict_form = ScoreForm(contest=contest), ConflictForm(contest=contest)
    status = 200
    if request.method == "POST":
        if request.POST.get("action") == "conflict":
            conflict_form = ConflictForm(request.POST, contest=contest)
            form = conflict_form
        else:
            score_form = ScoreForm(request.POST, contest=contest)
            form = score_form
        if form.is_valid():
            data = form.cleaned_data
            try:
                if form is conflict_form:
                    services.declare_conflict(juror=seat, entry=data["entry"], reason=data["reason"])
                    messages.success(request, _("Your conflict of interest is recorded."))
                else:
                    services.score_entry(juror=seat, entry=data["entry"], criterion=data["criterion"],
                                         value=data["value"])
                    messages.success(request, _("Your score is recorded."))
                return redirect("contests:jury", pk=contest.pk)
            except ValidationError as exc:
                add_service_errors(form, exc)
        for error in form.errors.values():
            messages.error(request, " ".join(error))
        status = 400
    entries = list(selectors.entry_list().filter(contest=contest, status__in=services.ACCEPTED_STATUSES))
    criteria = list(selectors.criteria_of(contest))
    mine = {(s.entry_id, s.criterion_id): s for s in seat.scores.all()}
    conflicts = set(seat.conflicts.values_list("entry_id", flat=True))
    review = contest.phase(Phase.Kind.REVIEW)
    rows = [{"entry": e, "conflict": e.pk in conflicts,
             "cells": [{"criterion": c, "score": mine.get((e.pk, c.pk))} for c in criteria]} for e in entries]
    review_closed = review is not None and review.is_closed()
    return render(request, "contests/jury.html", {
        "contest": contest, "seat": seat, "rows": rows, "criteria": criteria, "review": review,
        "review_open": review is not None and review.is_open(), "review_closed": review_closed,
        "ranking": selectors.commission_ranking(contest=contest) if review_closed else None,
        "conflict_form": conflict_form, "score_form": score_form,
    }, status=status)


@login_required
def my_contests(request: HttpRequest) -> HttpResponse:
    """A person's own entries, nominations and votes."""
    user = request.user
    return render(request, "contests/my_contests.html", {
        "entries": selectors.entry_list().filter(submitted_by=user),
        "nominations": user.contest_nominations.select_related("entry__contest").order_by("-created_at"),
        "votes": user.contest_votes.select_related("round__contest", "entry").order_by("-created_at"),
    })
