"""The centre a staff member is looking at: one picker for the office's pages, figures and API.

Staff of several centres choose one with `?centre=<slug>`; the choice is remembered in the session, so the next
page (the dashboard, the imports, the Moja Starówka figures) shows the same centre. A centre the staff member does
not work for is 404, as is having no centre at all. Core names no app's model: the caller passes the staff
member's centres (`centres.selectors.staff_centres(user)`), which have a `slug`.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest

SESSION_KEY = "office_centre"
PARAMETER = "centre"


def staff_centre(request: HttpRequest, centres: QuerySet, *, wanted: str | None = None) -> Model:
    """The one of `centres` asked for (`wanted`, else ?centre=), else the one remembered, else the first by name.

    Raises Http404 for a centre asked for that is not among `centres`, and when `centres` is empty. Remembers
    the answer in a signed-in session (a token-authenticated API call has none, and gets none created).
    """
    centres = centres.order_by("name")
    asked = wanted if wanted is not None else request.GET.get(PARAMETER)
    session: Any = getattr(request, "session", None)
    remembered = session.get(SESSION_KEY) if session is not None else None
    centre = None
    if asked:
        centre = centres.filter(slug=asked).first()
        if centre is None:
            raise Http404  # a centre the staff member does not work for
    elif remembered:
        centre = centres.filter(slug=remembered).first()
    if centre is None:
        centre = centres.first()
    if centre is None:
        raise Http404
    if session is not None and session.session_key and remembered != centre.slug:
        session[SESSION_KEY] = centre.slug
    return centre
