"""Forms of the contest pages; they only collect input, the services decide."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Contest, Criterion, Entry, Nomination


class NominationForm(forms.Form):
    """Nominate a permitted garden of the contest's season from a list."""

    garden = forms.ModelChoiceField(label=_("Garden"), queryset=None, empty_label=_("— choose a garden —"),
                                    help_text=_("Gardens with a permit for this season."))
    relation = forms.ChoiceField(label=_("You are"), choices=Nomination.Relation.choices,
                                 initial=Nomination.Relation.RESIDENT)
    reason = forms.CharField(label=_("Why this garden?"), widget=forms.Textarea(attrs={"rows": 3}), required=False,
                             max_length=2000)
    image = forms.ImageField(label=_("Photo (optional)"), required=False)
    alt_text = forms.CharField(label=_("What the photo shows"), required=False, max_length=250)

    def __init__(self, *args, contest: Contest, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        from gardens.selectors import permitted_gardens

        self.fields["garden"].queryset = permitted_gardens(centre=contest.centre, year=contest.year)
        self.fields["garden"].label_from_instance = lambda g: f"{g.business.name} · {g.address}"


class EntryForm(forms.Form):
    """Submit a design (title, text, images, optional PDF)."""

    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 4}), required=False,
                                  max_length=5000)
    image = forms.ImageField(label=_("Image"), help_text=_("JPEG, PNG or WebP, at most 10 MB."))
    alt_text = forms.CharField(label=_("What the image shows"), max_length=250,
                               help_text=_("For people who cannot see the picture."))
    attachment = forms.FileField(label=_("PDF (optional)"), required=False)


class VoteForm(forms.Form):
    entry = forms.ModelChoiceField(label=_("Your choice"), queryset=Entry.objects.none(), widget=forms.RadioSelect,
                                   empty_label=None)

    def __init__(self, *args, entries, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["entry"].queryset = entries
        self.fields["entry"].label_from_instance = lambda e: e.title


class ScoreForm(forms.Form):
    entry = forms.ModelChoiceField(label=_("Entry"), queryset=Entry.objects.none(), widget=forms.HiddenInput)
    criterion = forms.ModelChoiceField(label=_("Criterion"), queryset=Criterion.objects.none(),
                                       widget=forms.HiddenInput)
    value = forms.DecimalField(label=_("Score"), min_value=Decimal("0"), max_digits=5, decimal_places=1)

    def __init__(self, *args, contest: Contest, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["entry"].queryset = Entry.objects.filter(contest=contest)
        self.fields["criterion"].queryset = Criterion.objects.filter(contest=contest)


class ConflictForm(forms.Form):
    entry = forms.ModelChoiceField(label=_("Entry"), queryset=Entry.objects.none(), empty_label=_("— choose an entry —"))
    reason = forms.CharField(label=_("Reason"), max_length=1000,
                             help_text=_("e.g. a relative or business partner runs it."))

    def __init__(self, *args, contest: Contest, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["entry"].queryset = Entry.objects.filter(contest=contest)
