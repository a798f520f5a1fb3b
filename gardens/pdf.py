"""The permit document: an A4 PDF in Polish (fpdf2, a Roboto TTF from the font-roboto package, a segno QR code)."""

from __future__ import annotations

import io
from decimal import Decimal
from importlib import resources

import segno
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from fpdf import FPDF

from .models import GardenApplication
from .selectors import rule_list


def font_path(style: str = "Regular") -> str:
    """A Unicode TTF with Polish letters, found inside the installed font-roboto package (PyPI only)."""
    return str(resources.files("font_roboto") / "files" / f"Roboto-{style}.ttf")


def verification_url(application: GardenApplication) -> str:
    """Absolute link to the public verification page; the token is random, so it cannot be guessed."""
    return settings.SITE_URL + reverse("gardens:verify", args=[application.verification_token])


def _pln(value) -> str:
    return f"{Decimal(value):,.2f}".replace(",", " ").replace(".", ",") + " zł"


def _dec(value) -> str:
    """A decimal the Polish way (comma); a dash when missing."""
    return "—" if value is None else str(value).replace(".", ",")


def build_permit_pdf(application: GardenApplication) -> bytes:
    """The permit as PDF bytes: number, business, place, area, period, fee breakdown, rules and the QR code."""
    a = application
    with translation.override("pl"):
        pdf = FPDF(format="A4")
        pdf.set_title(f"Zezwolenie {a.permit_number}")
        pdf.set_author(a.season.centre.office_name)
        pdf.add_font("Roboto", "", font_path("Regular"))
        pdf.add_font("Roboto", "B", font_path("Bold"))
        pdf.set_auto_page_break(auto=True, margin=18)
        pdf.add_page()
        width = pdf.w - pdf.l_margin - pdf.r_margin

        pdf.set_font("Roboto", "", 10)
        pdf.multi_cell(width - 45, 5, f"{a.season.centre.office_name}\n{a.season.centre.address}")
        qr = io.BytesIO()
        segno.make(verification_url(a), error="m").save(qr, kind="png", scale=4, border=1)
        qr.seek(0)
        pdf.image(qr, x=pdf.w - pdf.r_margin - 38, y=10, w=38, h=38)
        pdf.set_xy(pdf.w - pdf.r_margin - 45, 49)
        pdf.set_font("Roboto", "", 7)
        pdf.cell(45, 4, "Zeskanuj, aby sprawdzić ważność", align="C")

        pdf.set_xy(pdf.l_margin, 56)
        pdf.set_font("Roboto", "B", 16)
        title = ("Umowa dzierżawy – ogródek gastronomiczny" if a.zone.kind == "internal_road"
                 else "Zezwolenie na zajęcie pasa drogowego – ogródek gastronomiczny")
        pdf.multi_cell(width, 8, title)
        pdf.set_font("Roboto", "B", 13)
        pdf.cell(width, 8, f"Nr {a.permit_number}", new_x="LMARGIN", new_y="NEXT")
        if a.status == GardenApplication.Status.REVOKED:
            pdf.set_text_color(180, 0, 0)
            pdf.cell(width, 8, f"COFNIĘTE {date_format(a.revoked_at, 'DATE_FORMAT')}: {a.revocation_reason}"[:110],
                     new_x="LMARGIN", new_y="NEXT")
            pdf.set_text_color(0, 0, 0)
        pdf.ln(2)

        rows = [
            ("Przedsiębiorca", f"{a.business.name}, NIP {a.business.nip}"),
            ("Adres ogródka", f"{a.street.name + ', ' if a.street_id else ''}{a.address}"),
            ("Strefa", a.zone.name),
            ("Usytuowanie", a.placement or "—"),
            ("Powierzchnia", f"{_dec(a.area_m2)} m² ({_dec(a.length_m)} m × {_dec(a.width_m)} m)"),
            ("Okres", f"{date_format(a.period_start, 'DATE_FORMAT')} – {date_format(a.period_end, 'DATE_FORMAT')}"
                      f" ({a.fee_days} dni)"),
            ("Przejście dla pieszych", f"{_dec(a.pedestrian_width_m)} m"),
            ("Parasole", f"{a.umbrella_colour or '—'}, wys. {_dec(a.umbrella_height_m)} m"),
            ("Wygrodzenie", f"wys. {_dec(a.enclosure_height_m)} m"),
            ("Zieleń potwierdzona", ", ".join(str(label) for value, label in _greenery_labels(a)) or "brak"),
        ]
        for label, value in rows:
            pdf.set_font("Roboto", "B", 10)
            pdf.cell(48, 6, label)
            pdf.set_font("Roboto", "", 10)
            pdf.multi_cell(width - 48, 6, str(value), new_x="LMARGIN", new_y="NEXT")

        pdf.ln(3)
        pdf.set_font("Roboto", "B", 12)
        pdf.cell(width, 7, "Opłata", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Roboto", "", 10)
        for period in (a.fee_breakdown or {}).get("periods", []):
            pdf.cell(width, 6, f"{period['start']} – {period['end']}: {period['days']} dni × {_dec(a.area_m2)} m² × "
                               f"{_pln(period['rate'])} = {_pln(period['amount'])}", new_x="LMARGIN", new_y="NEXT")
        pdf.cell(width, 6, f"Opłata przed ulgą: {_pln(a.fee_gross)}", new_x="LMARGIN", new_y="NEXT")
        pdf.cell(width, 6, f"Zielona ulga {_dec(format(a.fee_discount_percent.normalize(), 'f'))}%: −{_pln(a.fee_discount)}",
                 new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Roboto", "B", 11)
        pdf.cell(width, 7, f"Do zapłaty: {_pln(a.fee_total)}", new_x="LMARGIN", new_y="NEXT")

        pdf.ln(3)
        pdf.set_font("Roboto", "B", 12)
        pdf.cell(width, 7, "Zasady estetyki, których ogródek musi przestrzegać", new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Roboto", "", 9)
        for rule in rule_list(season=a.season):
            pdf.multi_cell(width, 5, f"• {rule.title_pl}" + (f" – {rule.text_pl}" if rule.text_pl else ""),
                           new_x="LMARGIN", new_y="NEXT")

        pdf.ln(4)
        pdf.set_font("Roboto", "", 8)
        pdf.multi_cell(width, 4, f"Ważność zezwolenia można sprawdzić: {verification_url(a)}",
                       new_x="LMARGIN", new_y="NEXT")
        if a.decided_at:
            pdf.cell(width, 4, f"Wydano: {date_format(a.decided_at, 'DATE_FORMAT')}", new_x="LMARGIN", new_y="NEXT")
        return bytes(pdf.output())


def _greenery_labels(application: GardenApplication):
    from .models import GreeneryKind

    kinds = application.confirmed_greenery_kinds()
    return [(value, label) for value, label in GreeneryKind.choices if value in kinds]
