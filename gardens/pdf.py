"""The permit document: an A4 PDF in Polish (fpdf2, a Roboto TTF from the font-roboto package, a segno QR code).

It is rendered once, at approval, and stored with its SHA-256 (gardens.services._approve); every download serves
the stored file. So it prints what was decided then: the rules declared at that moment, the fee, the payment
term and account, the legal basis of the season.
"""

from __future__ import annotations

import io
from importlib import resources

import segno
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from fpdf import FPDF

from core import formats

from .models import GardenApplication, GreeneryKind, PaymentAccount


def font_path(style: str = "Regular") -> str:
    """A Unicode TTF with Polish letters, found inside the installed font-roboto package (PyPI only)."""
    return str(resources.files("font_roboto") / "files" / f"Roboto-{style}.ttf")


def verification_url(application: GardenApplication) -> str:
    """Absolute link to the public verification page; the token is random, so it cannot be guessed."""
    return settings.SITE_URL + reverse("gardens:verify", args=[application.verification_token])


def money(value, lang: str = "pl") -> str:
    return formats.money(value, lang=lang).replace("\xa0", " ")  # one space: the font's NBSP is narrower


def measure(value, unit: str = "m", lang: str = "pl") -> str:
    return formats.measure(value, unit, lang=lang).replace("\xa0", " ")


def percent(value, lang: str = "pl") -> str:
    return formats.percent(value, lang=lang).replace("\xa0", " ")


def long_date(value, lang: str = "pl") -> str:
    return formats.long_date(value, lang=lang).replace("\xa0", " ")


def _m(value) -> str:
    return measure(value, "m", lang="pl") if value is not None else "—"


def _iban(value: str) -> str:
    compact = (value or "").replace(" ", "")
    return " ".join([compact[:4], *[compact[i:i + 4] for i in range(4, len(compact), 4)]]) if compact else "—"


def build_permit_pdf(application: GardenApplication, *, account: PaymentAccount | None = None) -> bytes:
    """The permit as PDF bytes: number, business, place, area, period, fee, payment, legal basis, rules, QR code."""
    a = application
    centre = a.season.centre
    with translation.override("pl"):
        pdf = FPDF(format="A4")
        pdf.set_creation_date(a.decided_at)  # the bytes depend on the decision only
        pdf.set_title(f"Zezwolenie {a.permit_number}")
        pdf.set_author(centre.office_name)
        pdf.add_font("Roboto", "", font_path("Regular"))
        pdf.add_font("Roboto", "B", font_path("Bold"))
        pdf.set_auto_page_break(auto=True, margin=18)
        pdf.set_margins(18, 14, 18)
        pdf.add_page()
        width = pdf.w - pdf.l_margin - pdf.r_margin
        qr_size = 36

        pdf.set_font("Roboto", "", 10)
        pdf.multi_cell(width - qr_size - 6, 5, f"{centre.office_name}\n{centre.address}\n{centre.email}")
        qr = io.BytesIO()
        segno.make(verification_url(a), error="m").save(qr, kind="png", scale=4, border=1)
        qr.seek(0)
        pdf.image(qr, x=pdf.w - pdf.r_margin - qr_size, y=12, w=qr_size, h=qr_size)
        pdf.set_xy(pdf.w - pdf.r_margin - qr_size - 6, 12 + qr_size + 1)
        pdf.set_font("Roboto", "", 7)
        pdf.cell(qr_size + 6, 4, "Zeskanuj, aby sprawdzić ważność", align="C")

        pdf.set_xy(pdf.l_margin, 56)
        pdf.set_font("Roboto", "B", 15)
        title = ("Umowa dzierżawy – ogródek gastronomiczny" if a.zone.kind == "internal_road"
                 else "Zezwolenie na zajęcie pasa drogowego – ogródek gastronomiczny")
        pdf.multi_cell(width, 7, title, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Roboto", "B", 13)
        # The number wraps rather than running off the page (a test reads its position).
        pdf.multi_cell(width, 7, f"Nr {a.permit_number}", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)

        def row(label: str, value: str) -> None:
            pdf.set_font("Roboto", "B", 10)
            pdf.cell(50, 6, label)
            pdf.set_font("Roboto", "", 10)
            pdf.multi_cell(width - 50, 6, value, new_x="LMARGIN", new_y="NEXT")

        street = a.street.name if a.street_id else ""
        place = f"{street} {a.building_number}".strip() if a.building_number else a.address
        confirmed = [str(label) for value, label in GreeneryKind.choices if value in a.confirmed_greenery_kinds()]
        for label, value in [
            ("Przedsiębiorca", f"{a.business.name}, NIP {a.business.nip}"),
            ("Adres ogródka", place),
            ("Strefa", a.zone.name),
            ("Usytuowanie", a.placement or "—"),
            ("Powierzchnia", f"{measure(a.area_m2, 'm²', lang='pl')} ({_m(a.length_m)} × {_m(a.width_m)})"),
            ("Okres", f"{long_date(a.period_start, lang='pl')} – {long_date(a.period_end, lang='pl')} "
                      f"({a.fee_days} dni)"),
            ("Chodnik dla pieszych", _m(a.pedestrian_width_m)),
            ("Parasole", f"{a.umbrella_colour or '—'}, wys. {_m(a.umbrella_height_m)}"),
            ("Meble", a.furniture_colour or "—"),
            ("Wygrodzenie", f"wys. {_m(a.enclosure_height_m)}"),
            ("Zieleń potwierdzona", ", ".join(confirmed) or "brak"),
        ]:
            row(label, value)

        pdf.ln(3)
        pdf.set_font("Roboto", "B", 12)
        pdf.cell(width, 7, "Opłata", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Roboto", "", 10)
        for period in (a.fee_breakdown or {}).get("periods", []):
            pdf.multi_cell(width, 6, f"{long_date(period['start'], lang='pl')} – {long_date(period['end'], lang='pl')}: "
                                     f"{period['days']} dni × {measure(a.area_m2, 'm²', lang='pl')} × "
                                     f"{money(period['rate'], lang='pl')} = {money(period['amount'], lang='pl')}",
                           new_x="LMARGIN", new_y="NEXT")
        pdf.cell(width, 6, f"Opłata przed ulgą: {money(a.fee_gross, lang='pl')}", new_x="LMARGIN", new_y="NEXT")
        pdf.cell(width, 6, f"Zielona ulga {percent(a.fee_discount_percent, lang='pl')}: "
                           f"−{money(a.fee_discount, lang='pl')}", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Roboto", "B", 11)
        pdf.cell(width, 7, f"Do zapłaty: {money(a.fee_total, lang='pl')}", new_x="LMARGIN", new_y="NEXT")

        if account is not None:
            pdf.ln(2)
            pdf.set_font("Roboto", "B", 12)
            pdf.cell(width, 7, "Płatność", new_x="LMARGIN", new_y="NEXT")
            recipient = a.season.bank_recipient or centre.office_name
            for label, value in [
                ("Termin płatności", long_date(account.due_date, lang="pl")),
                ("Odbiorca", recipient),
                ("Numer rachunku", _iban(account.bank_account)),
                ("Tytuł przelewu", account.title),
            ]:
                row(label, value)

        if a.season.legal_basis:
            pdf.ln(2)
            pdf.set_font("Roboto", "B", 12)
            pdf.cell(width, 7, "Podstawa prawna", new_x="LMARGIN", new_y="NEXT")
            pdf.set_font("Roboto", "", 9)
            pdf.multi_cell(width, 5, a.season.legal_basis, new_x="LMARGIN", new_y="NEXT")

        pdf.ln(3)
        pdf.set_font("Roboto", "B", 12)
        pdf.cell(width, 7, "Zasady estetyki, których ogródek musi przestrzegać", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Roboto", "", 9)
        for declaration in a.declarations.select_related("rule").order_by("rule__order", "rule__code"):
            rule = declaration.rule
            pdf.multi_cell(width, 5, f"• {rule.title_pl}" + (f" – {rule.text_pl}" if rule.text_pl else ""),
                           new_x="LMARGIN", new_y="NEXT")

        pdf.ln(4)
        pdf.set_font("Roboto", "", 8)
        pdf.multi_cell(width, 4, f"Ważność zezwolenia można sprawdzić: {verification_url(a)}",
                       new_x="LMARGIN", new_y="NEXT")
        if a.decided_at:
            pdf.cell(width, 4, f"Wydano: {long_date(a.decided_at, lang='pl')}", new_x="LMARGIN", new_y="NEXT")
        return bytes(pdf.output())
