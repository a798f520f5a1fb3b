"""The green-garden contest in the browser: a resident votes once, a second vote is refused with a message, the
results stay hidden until the office publishes them in the admin, then show the vote; the office opens a
correction, voids a vote with its reason and republishes, and the public page says "corrected on …" with the
previous figures a click away; in both languages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import formats, timezone, translation

from contests.models import Contest, Entry, Nomination, Phase, RoundEntry, Vote
from tests.contests.factories import (
    ContestFactory,
    EntryFactory,
    PhaseFactory,
    VotingRoundFactory,
    approved_garden,
)
from tests.e2e.helpers import choose_language, click_and_load, log_in, log_out, t
from tests.factories import PASSWORD, BusinessFactory, StaffFactory, UserFactory

pytestmark = pytest.mark.e2e

DAY = dt.timedelta(days=1)
CAFES = ["Kawiarnia Pod Aniołem", "Herbaciarnia Czarna Róża", "Pierogarnia Stary Toruń"]


def tn(lang: str, singular: str, plural: str, n: int) -> str:
    """The plural form the page shows for n, in the given language (`t` for ngettext)."""
    with translation.override(lang):
        return translation.ngettext(singular, plural, n) % {"n": n}


def contest_tie_rule(lang: str, contest) -> str:
    with translation.override(lang):
        return contest.tie_rule


def in_lang(lang: str, value) -> str:
    """A model's text (e.g. a contest's title, which follows the active language) or a localized number."""
    with translation.override(lang):
        return formats.localize(value) if isinstance(value, Decimal) else str(value)


@pytest.fixture
def green_garden(centre):
    """A green-garden contest of the centre: the gardens of three businesses, nominated, shortlisted and put to an
    open public vote (verified e-mail); entries and review are over, the results phase is still to come."""
    now = timezone.now()
    contest = ContestFactory(centre=centre, kind=Contest.Kind.GREEN_GARDEN, year=now.year,
                             title_pl=f"Zielony Ogródek Starówki {now.year}",
                             title_en=f"Green Garden of the Old Town {now.year}",
                             ranking_method=Contest.RankingMethod.PUBLIC)
    PhaseFactory(contest=contest, kind=Phase.Kind.ENTRIES, starts_at=now - 30 * DAY, ends_at=now - 20 * DAY)
    PhaseFactory(contest=contest, kind=Phase.Kind.REVIEW, starts_at=now - 20 * DAY, ends_at=now - DAY)
    voting_phase = PhaseFactory(contest=contest, kind=Phase.Kind.VOTING, starts_at=now - DAY, ends_at=now + 7 * DAY)
    results_phase = PhaseFactory(contest=contest, kind=Phase.Kind.RESULTS, starts_at=now + 7 * DAY, ends_at=None)
    voting_round = VotingRoundFactory(contest=contest, number=1, starts_at=now - DAY, ends_at=now + 7 * DAY)
    nominator = UserFactory()
    entries = []
    for name in CAFES:
        garden = approved_garden(centre=centre, year=now.year, business=BusinessFactory(centre=centre, name=name))
        entry = EntryFactory(contest=contest, garden=garden, title=f"{name} · {garden.address}",
                             description="", status=Entry.Status.SHORTLISTED, created_at=now - 25 * DAY,
                             submitted_by=nominator)
        Nomination.objects.create(entry=entry, user=nominator, relation=Nomination.Relation.VISITOR,
                                  created_at=now - 25 * DAY)
        RoundEntry.objects.create(round=voting_round, entry=entry)
        entries.append(entry)
    return {
        "contest": contest, "round": voting_round, "entries": entries, "voting_phase": voting_phase,
        "results_phase": results_phase,
        "resident": UserFactory(first_name="Ewa", email_verified_at=now - 60 * DAY),
        "staff": StaffFactory(centres=[centre]),
    }


def test_resident_votes_once_and_sees_the_vote_in_the_published_results(page, steps, axe, lang, green_garden):
    contest, voting_round = green_garden["contest"], green_garden["round"]
    first, second, third = green_garden["entries"]
    resident = green_garden["resident"]
    title = in_lang(lang, contest)
    round_label = t(lang, "Round %(number)s") % {"number": voting_round.number}

    # The resident logs in and finds the contest through the main navigation.
    log_in(page, resident.email, PASSWORD, lang)
    page.goto("/")
    choose_language(page, lang)
    click_and_load(page, page.locator("header nav.main-nav a", has_text=t(lang, "Contests")))
    assert page.locator("main h1").inner_text() == t(lang, "Contests")
    steps("contests list")

    click_and_load(page, page.locator("main article h2 a", has_text=title))
    assert page.url.endswith(reverse("contests:contest-detail", args=[contest.pk]))
    assert page.locator("main h1").inner_text() == title
    assert t(lang, "public vote") in page.locator("main p.lead").inner_text()
    vote_section = page.locator("section[aria-labelledby=vote-h]")
    assert vote_section.locator("h2").inner_text() == f"{t(lang, 'Vote')}: {round_label}"
    assert vote_section.locator("legend").inner_text() == t(lang, "Your choice")
    assert vote_section.locator("p.error").count() == 0, "the resident may vote"
    assert page.locator("a[href$='/wyniki/']").count() == 0, "no results link before publication"
    steps("contest page with the voting form")
    assert axe(page) == []

    # The same page in a second tab, as a resident who opened the contest twice would have it.
    second_tab = page.context.new_page()
    second_tab.goto(reverse("contests:contest-detail", args=[contest.pk]))

    # The vote.
    vote_section.get_by_label(first.title).check()
    click_and_load(page, vote_section.get_by_role("button", name=t(lang, "Cast my vote")))
    assert page.url.endswith(reverse("contests:contest-detail", args=[contest.pk]))
    assert page.locator("main .messages").inner_text() == t(lang, "Thank you: your vote is counted.")
    assert vote_section.locator("p.message[role=status]").inner_text() == t(
        lang, "You have already voted in this round (for “%(title)s”).") % {"title": first.title}
    assert list(Vote.objects.values_list("round", "entry", "voter")) == [(voting_round.pk, first.pk, resident.pk)]
    steps("vote counted")

    assert vote_section.locator("form").count() == 0, "no form invites a second vote"

    # A second vote, for another entry, from the tab opened before voting: refused, said plainly.
    other_section = second_tab.locator("section[aria-labelledby=vote-h]")
    other_section.get_by_label(second.title).check()
    with second_tab.expect_response(lambda r: r.url.endswith(reverse("contests:vote", args=[contest.pk]))) as posted:
        click_and_load(second_tab, other_section.get_by_role("button", name=t(lang, "Cast my vote")))
    assert posted.value.status == 400
    page = steps.page = second_tab  # the journey goes on in this tab; its steps are the ones kept
    vote_section = other_section
    refusal = t(lang, "You have already voted in this round.")
    assert vote_section.locator(".form-errors[role=alert]").inner_text() == refusal
    assert page.locator("main").inner_text().count(refusal) == 1, "said once, not twice"
    assert t(lang, "Thank you: your vote is counted.") not in page.locator("main").inner_text()
    assert list(Vote.objects.values_list("entry", "voter")) == [(first.pk, resident.pk)]
    steps("second vote refused")

    # Before publication the results are not shown: no link, and the address itself is not found.
    page.goto(reverse("contests:contest-detail", args=[contest.pk]))
    assert page.locator("a[href$='/wyniki/']").count() == 0
    response = page.goto(reverse("contests:results", args=[contest.pk]))
    assert response.status == 404
    assert page.locator("table").count() == 0
    steps("results not found before publication")

    # The vote ends and the results phase begins (time passes) ...
    now = timezone.now()
    voting_round.starts_at, voting_round.ends_at = now - 8 * DAY, now - dt.timedelta(minutes=1)
    voting_round.save(update_fields=["starts_at", "ends_at"])
    Phase.objects.filter(pk=green_garden["voting_phase"].pk).update(starts_at=now - 8 * DAY,
                                                                     ends_at=now - dt.timedelta(minutes=1))
    Phase.objects.filter(pk=green_garden["results_phase"].pk).update(starts_at=now - dt.timedelta(minutes=1))
    page.goto(reverse("contests:contest-detail", args=[contest.pk]))
    assert page.locator("section[aria-labelledby=vote-h]").count() == 0, "voting is over"
    assert t(lang, "results") in page.locator("main p.lead").inner_text()
    assert page.locator("a[href$='/wyniki/']").count() == 0, "the phase alone does not publish the results"
    steps("voting over, results not yet published")

    # ... and the office publishes the results with the admin's action.
    log_out(page)
    log_in(page, green_garden["staff"].email, PASSWORD, lang)
    page.goto(reverse("admin:contests_contest_changelist"))
    page.locator(f"input[name=_selected_action][value='{contest.pk}']").check()
    action = page.locator("select[name=action]")
    assert action.locator("option[value=publish]").inner_text() == t(lang, "Publish the results")
    action.select_option("publish")
    click_and_load(page, page.locator("button[name=index]"))
    assert page.locator("ul.messagelist li.info").inner_text() == t(
        lang, "Results of “%(c)s” published.") % {"c": title}
    contest.refresh_from_db()
    assert contest.results_published_at is not None
    assert contest.results_published_by == green_garden["staff"]
    steps("results published in the admin")
    page.goto("/")
    log_out(page)

    # The resident finds the results from the contest page: their vote is counted there.
    log_in(page, resident.email, PASSWORD, lang)
    page.goto(reverse("contests:contest-detail", args=[contest.pk]))
    page.locator("main a[href$='/wyniki/']", has_text=t(lang, "Results")).click()
    page.wait_for_url(f"**{reverse('contests:results', args=[contest.pk])}")
    assert page.locator("main h1").inner_text() == f"{t(lang, 'Results')}: {title}"
    assert page.locator("main .message.warning").count() == 0, "published: no office-only warning"
    round_section = page.locator(f"section[aria-labelledby=round-{voting_round.pk}]")
    assert round_section.locator("h2").inner_text() == round_label
    assert tn(lang, "%(n)s vote in all (online and paper).", "%(n)s votes in all (online and paper).", 1) \
        in round_section.inner_text()
    assert round_section.locator("caption").inner_text() == t(lang, "Votes in %(round)s") % {
        "round": round_label}
    headers = round_section.locator("thead th").all_inner_texts()
    assert headers == [t(lang, "Place"), t(lang, "Entry"), t(lang, "Online"), t(lang, "Paper"), t(lang, "Total"), "%"]
    rows = [r.locator("th, td").all_inner_texts() for r in round_section.locator("tbody tr").all()]
    hundred, zero = in_lang(lang, Decimal("100.00")), in_lang(lang, Decimal("0.00"))
    assert rows[0] == ["1", first.title, "1", "0", "1", hundred]
    assert sorted(rows[1:]) == sorted([["2", second.title, "0", "0", "0", zero],
                                       ["2", third.title, "0", "0", "0", zero]])
    bars = round_section.locator("ul.result-bars li").all()
    assert bars[0].locator("span").first.inner_text() == first.title
    assert bars[0].locator("span").last.inner_text() == f"{hundred}%"

    rule = page.locator("section[aria-labelledby=rule-h]")
    assert rule.locator("p.counting-rule").inner_text() == t(
        lang, "The public vote alone decides: entries are ranked by their valid votes, online and on paper, in the "
              "final round.")
    assert rule.locator("p.tie-rule").inner_text() == contest_tie_rule(lang, contest)
    final = page.locator("section[aria-labelledby=final-h]")
    assert final.locator("h2").inner_text() == t(lang, "Final ranking")
    first_place = final.locator("tbody tr").first.locator("th, td").all_inner_texts()
    assert first_place[:3] == ["1", first.title, "1"]
    assert page.locator("main .message.correction").count() == 0
    steps("published results with the vote")
    assert axe(page) == []
    page.goto("/")
    log_out(page)

    # The office finds the vote irregular: it opens a correction with the reason, voids the vote, republishes.
    reason = "Głos z konta założonego tylko do głosowania"
    log_in(page, green_garden["staff"].email, PASSWORD, lang)
    page.goto(reverse("admin:contests_contest_changelist"))
    page.locator(f"input[name=_selected_action][value='{contest.pk}']").check()
    page.locator("select[name=action]").select_option("open_correction")
    page.fill("input[name=reason]", reason)
    click_and_load(page, page.locator("button[name=index]"))
    assert page.locator("ul.messagelist li.info").inner_text() == t(
        lang, "A correction of “%(c)s” is open.") % {"c": title}
    page.goto(reverse("admin:contests_vote_changelist"))
    vote = Vote.objects.get()
    page.locator(f"input[name=_selected_action][value='{vote.pk}']").check()
    page.locator("select[name=action]").select_option("void")
    page.fill("input[name=reason]", reason)
    click_and_load(page, page.locator("button[name=index]"))
    vote.refresh_from_db()
    assert vote.void_reason == reason
    steps("correction opened, vote voided")
    page.goto(reverse("admin:contests_contest_changelist"))
    page.locator(f"input[name=_selected_action][value='{contest.pk}']").check()
    page.locator("select[name=action]").select_option("publish")
    click_and_load(page, page.locator("button[name=index]"))
    assert page.locator("ul.messagelist li.info").inner_text() == t(
        lang, "Results of “%(c)s” republished (version %(v)s).") % {"c": title, "v": 2}
    steps("results republished")
    page.goto("/")
    log_out(page)

    # Anyone sees the corrected figures, the date and reason of the correction, and the previous figures.
    page.goto(reverse("contests:results", args=[contest.pk]))
    correction = page.locator("main .message.correction")
    corrected_on = t(lang, "Corrected on %(date)s.") % {"date": ""}
    assert corrected_on.rstrip(".").strip() in correction.inner_text()
    assert reason in correction.inner_text()
    round_section = page.locator(f"section[aria-labelledby=round-{voting_round.pk}]")
    assert tn(lang, "%(n)s vote in all (online and paper).", "%(n)s votes in all (online and paper).", 0) \
        in round_section.inner_text()
    steps("corrected results")
    assert axe(page) == []
    click_and_load(page, correction.locator("a[href='?version=1']"))
    assert page.locator("main .message.warning").count() == 1, "version 1 says it was corrected later"
    round_section = page.locator(f"section[aria-labelledby=round-{voting_round.pk}]")
    rows = [r.locator("th, td").all_inner_texts() for r in round_section.locator("tbody tr").all()]
    assert rows[0] == ["1", first.title, "1", "0", "1", hundred], "the previous figures, as published"
    steps("previous figures")
