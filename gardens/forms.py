"""Forms of the gardens pages. They only shape input; the rules are checked by services."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from centres.models import Street, Zone

from .models import AestheticRule, Attachment, GardenApplication, GreeneryKind, Season

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class OutlineField(forms.JSONField):
    """The polygon drawn on the map (GeoJSON, written by static/gardens/map.js); checked by the service."""

    def prepare_value(self, value):
        return "" if value in (None, "") else super().prepare_value(value)


class FeeQuoteForm(forms.Form):
    zone = forms.ModelChoiceField(Zone.objects.none(), label=_("Zone"), empty_label=_("Choose the zone"))
    area_m2 = forms.DecimalField(label=_("Area (m²)"), min_value=Decimal("0.01"), max_digits=7, decimal_places=2)
    start = forms.DateField(label=_("From"), widget=DATE)
    end = forms.DateField(label=_("To"), widget=DATE)
    greenery = forms.MultipleChoiceField(label=_("Live greenery"), choices=GreeneryKind.choices, required=False,
                                         widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, centre=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["zone"].queryset = Zone.objects.filter(centre=centre) if centre else Zone.objects.all()


# The owner's form in steps (GOV.UK: one thing per step): the URL's `krok` → the fields the step asks for.
STEPS = {
    "miejsce": ("business", "season", "zone", "street", "address", "building_number", "placement"),
    "mapa": ("outline",),
    "wymiary": ("length_m", "width_m", "area_m2", "period_start", "period_end", "pedestrian_width_m", "furniture",
                "tables", "seats", "umbrella_colour", "furniture_colour", "umbrella_height_m", "enclosure_height_m",
                "greenery"),
}
FIRST_STEP = "miejsce"
STEP_OF_FIELD = {name: step for step, names in STEPS.items() for name in names}


class ApplicationForm(forms.Form):
    """The garden's data. `business` and `season` only when starting a new application; `step` keeps only the
    fields of one step of the owner's form (all of them when None)."""

    business = forms.ModelChoiceField(None, label=_("Business"), empty_label=_("Choose the business"))
    season = forms.ModelChoiceField(Season.objects.none(), label=_("Season"), empty_label=_("Choose the season"))
    zone = forms.ModelChoiceField(Zone.objects.none(), label=_("Zone"), empty_label=_("Choose the zone"),
                                  help_text=_("On internal roads the office makes a lease; on public roads it is a "
                                              "road-lane occupation permit. Both go through the same review."))
    street = forms.ModelChoiceField(Street.objects.none(), label=_("Street"), required=False,
                                    empty_label=_("Choose the street"))
    address = forms.CharField(label=_("Address"), max_length=200, required=False,
                              help_text=_("As written on the building, e.g. Szeroka 10."))
    building_number = forms.CharField(label=_("Building number"), max_length=20, required=False)
    outline = OutlineField(label=_("Outline on the map"), required=False, widget=forms.HiddenInput)
    placement = forms.CharField(label=_("Placement"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                help_text=_("Where exactly the garden stands, e.g. in front of the facade, by the kerb."))
    length_m = forms.DecimalField(label=_("Length (m)"), max_digits=6, decimal_places=2)
    width_m = forms.DecimalField(label=_("Width (m)"), max_digits=6, decimal_places=2)
    area_m2 = forms.DecimalField(label=_("Area (m²)"), max_digits=7, decimal_places=2, required=False,
                                 help_text=_("Length × width, filled in as you type them; left empty, it is "
                                             "computed when saved."),
                                 widget=forms.NumberInput(attrs={"step": "0.01", "data-product-of":
                                                                 "id_length_m id_width_m"}))
    period_start = forms.DateField(label=_("From"), widget=DATE)
    period_end = forms.DateField(label=_("To"), widget=DATE)
    pedestrian_width_m = forms.DecimalField(label=_("Pavement width left for pedestrians (m)"), max_digits=5,
                                            decimal_places=2, help_text=_("At least the zone's minimum (1.5 m where "
                                                                          "the zone sets none)."))
    furniture = forms.CharField(label=_("Furniture"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                help_text=_("Light construction of natural materials; no high platforms."))
    tables = forms.IntegerField(label=_("Tables"), min_value=0, max_value=500, initial=0)
    seats = forms.IntegerField(label=_("Seats"), min_value=0, max_value=2000, initial=0)
    umbrella_colour = forms.CharField(label=_("Umbrella colour"), max_length=60, required=False)
    furniture_colour = forms.CharField(label=_("Furniture colour"), max_length=60, required=False)
    umbrella_height_m = forms.DecimalField(label=_("Umbrella height (m)"), max_digits=4, decimal_places=2,
                                           required=False, min_value=0)
    enclosure_height_m = forms.DecimalField(label=_("Enclosure height (m)"), max_digits=4, decimal_places=2,
                                            required=False, min_value=0)
    greenery = forms.MultipleChoiceField(label=_("Live greenery the garden will have"), choices=GreeneryKind.choices,
                                         required=False, widget=forms.CheckboxSelectMultiple,
                                         help_text=_("The office confirms it in review; only confirmed greenery "
                                                     "counts for the green discount."))

    def __init__(self, *args, businesses=None, centre=None, new: bool = True, step: str | None = None,
                 **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.step = step
        if new:
            self.fields["business"].queryset = businesses
            self.fields["season"].queryset = Season.objects.filter(centre=centre, is_open=True).order_by("year")
            if businesses is not None and businesses.count() == 1:
                self.fields["business"].initial = businesses.first()
                self.fields["business"].widget = forms.HiddenInput()
        else:
            del self.fields["business"]
            del self.fields["season"]
        self.fields["zone"].queryset = Zone.objects.filter(centre=centre).order_by("name")
        self.fields["street"].queryset = Street.objects.filter(centre=centre).order_by("name")
        if step is not None:
            self.fields["address"].required = True  # the place step asks for the address above all
            for name in list(self.fields):
                if name not in STEPS[step]:
                    del self.fields[name]

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("business", None)
        data.pop("season", None)
        for name in ("address", "building_number", "placement", "furniture", "umbrella_colour", "furniture_colour"):
            if name in self.fields:
                data[name] = data.get(name) or ""
        return data

    @staticmethod
    def initial_from(application: GardenApplication) -> dict:
        from .services import APPLICATION_FIELDS

        initial = {name: getattr(application, name) for name in APPLICATION_FIELDS}
        initial["greenery"] = sorted(application.declared_greenery_kinds())
        return initial


class DeclarationsForm(forms.Form):
    """For each rule of the season: does the garden keep it, and a comment where needed."""

    def __init__(self, *args, rules: list[AestheticRule], existing: dict, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.rules = rules
        for rule in rules:
            complies, comment = existing.get(rule.pk, (False, ""))  # nothing is pre-signed for the owner
            self.fields[f"complies_{rule.pk}"] = forms.BooleanField(
                label=_("The garden keeps this rule"), required=False, initial=complies)
            self.fields[f"comment_{rule.pk}"] = forms.CharField(
                label=_("Comment"), required=False, initial=comment, widget=forms.Textarea(attrs={"rows": 1}))

    def rows(self):
        for rule in self.rules:
            yield rule, self[f"complies_{rule.pk}"], self[f"comment_{rule.pk}"]

    def declarations(self) -> dict[int, tuple[bool, str]]:
        return {rule.pk: (self.cleaned_data[f"complies_{rule.pk}"], self.cleaned_data[f"comment_{rule.pk}"])
                for rule in self.rules}


class AttachmentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Attachment.Kind.choices)
    file = forms.FileField(label=_("File"), help_text=_("Site plan: PDF or image; photos: JPEG, PNG or WebP; "
                                                        "at most 10 MB."))


class MoveForm(forms.Form):
    to = forms.ChoiceField(choices=GardenApplication.Status.choices)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    confirmed_greenery = forms.MultipleChoiceField(label=_("Greenery confirmed by the office"),
                                                   choices=GreeneryKind.choices, required=False,
                                                   widget=forms.CheckboxSelectMultiple)
    evidence_tall_plants = forms.CharField(required=False, max_length=40)
    evidence_planters = forms.CharField(required=False, max_length=40)
    evidence_hanging = forms.CharField(required=False, max_length=40)

    def greenery_evidence(self) -> dict[str, str]:
        """kind → the photo chosen for it (`attachment:<id>`, `inspection_photo:<id>`); checked by the service."""
        return {kind: self.cleaned_data[f"evidence_{kind}"] for kind in GreeneryKind.values
                if self.cleaned_data.get(f"evidence_{kind}")}
