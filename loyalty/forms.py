"""Forms of the programme's pages. They only shape input; the services decide."""

from __future__ import annotations

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from .models import Perk

WEEKDAYS = [(0, _("Monday")), (1, _("Tuesday")), (2, _("Wednesday")), (3, _("Thursday")), (4, _("Friday")),
            (5, _("Saturday")), (6, _("Sunday"))]


class ApplyForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    address = forms.CharField(label=_("Street and number"), max_length=250,
                              help_text=_("The address where you live; the office confirms residence."))
    postal_code = forms.CharField(label=_("Postal code"), max_length=6,
                                  validators=[RegexValidator(r"^\d{2}-\d{3}$", _("Use the form 87-100."))])
    city = forms.CharField(label=_("City"), max_length=100)
    email = forms.EmailField(label=_("E-mail for the card's messages"), required=False,
                             help_text=_("Leave empty to use your account's address."))
    accept_terms = forms.BooleanField(label=_("I accept the terms of the Moja Starówka programme and agree that "
                                              "the office processes my data to run it."),
                                      error_messages={"required": _("Accept the programme's terms to apply.")})
    terms_version = forms.CharField(required=False, widget=forms.HiddenInput)


class TillForm(forms.Form):
    """The till: a scanned QR token, or the typed number with (for a perk) the 6-digit code under the QR code."""

    partner = forms.TypedChoiceField(label=_("Business"), coerce=int)
    number = forms.CharField(label=_("Card number"), max_length=40, required=False,
                             help_text=_("The ten digits printed on the card or shown on My card."),
                             widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric",
                                                           "pattern": "[0-9 ]*", "enterkeyhint": "next"}))
    code = forms.CharField(label=_("Code under the QR code"), max_length=12, required=False,
                           help_text=_("Six digits; it changes every few minutes. Needed to use a perk."),
                           widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "numeric",
                                                         "pattern": "[0-9]*", "maxlength": "6",
                                                         "enterkeyhint": "done"}))
    token = forms.CharField(label=_("Scanned code (from a hand scanner)"), max_length=1000, required=False,
                            widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))
    perk = forms.TypedChoiceField(label=_("Perk being used (optional)"), coerce=int, required=False,
                                  empty_value=None)

    def __init__(self, *args, partners, perks, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partner"].choices = [(p.pk, p.business.name) for p in partners]
        if len(partners) == 1:
            self.fields["partner"].widget = forms.HiddenInput()
            self.fields["partner"].initial = partners[0].pk
        several = len(partners) > 1
        self.fields["perk"].choices = [("", _("— none —"))] + [
            (p.pk, f"{p.partner.business.name}: {p.title}" if several else p.title) for p in perks]

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("token") and not data.get("number"):
            self.add_error("number", _("Scan the card's QR code or type its number."))
        return data


class PerkForm(forms.ModelForm):
    weekday_list = forms.TypedMultipleChoiceField(label=_("Days of the week"), choices=WEEKDAYS, coerce=int,
                                                  widget=forms.CheckboxSelectMultiple,
                                                  initial=[d for d, _label in WEEKDAYS])

    class Meta:
        model = Perk
        fields = ["title_pl", "title_en", "description_pl", "description_en", "kind", "value", "conditions_pl",
                  "conditions_en", "valid_from", "valid_until", "daily_limit_per_card", "monthly_limit", "is_active"]
        widgets = {"valid_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "valid_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "description_pl": forms.Textarea(attrs={"rows": 3}),
                   "description_en": forms.Textarea(attrs={"rows": 3}),
                   "conditions_pl": forms.Textarea(attrs={"rows": 2}),
                   "conditions_en": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("— choose the kind —")), *Perk.Kind.choices]
        if self.instance.pk:
            self.fields["weekday_list"].initial = self.instance.weekday_list

    def _post_clean(self) -> None:
        """Model validation is the service's job (with its messages); only copy the data over here."""

    def perk_fields(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in self._meta.fields}
        data["weekdays"] = sum(1 << d for d in set(self.cleaned_data.get("weekday_list") or []))
        for name in ("title_en", "description_pl", "description_en", "conditions_pl", "conditions_en"):
            data[name] = data[name] or ""
        return data
