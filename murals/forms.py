"""Forms of the mural pages: they collect input; the services decide."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from centres.models import Zone

from .models import Mural
from .services import MAX_DESIGN_IMAGES


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleImageField(forms.FileField):
    """Several files in one input; each is checked to be an image by the service."""

    widget = MultipleFileInput

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        files = [d for d in data if d] if isinstance(data, list | tuple) else ([data] if data else [])
        if not files:
            if self.required:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return []
        return [single(f, initial) for f in files]


class DesignForm(forms.Form):
    """A design for a wall: title, description, images and an optional PDF."""

    title = forms.CharField(label=_("Title of the design"), max_length=200)
    description = forms.CharField(label=_("Description"), max_length=5000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 5}),
                                  help_text=_("The idea, the colours and how the design meets the wall's conditions."))
    images = MultipleImageField(label=_("Images of the design"))
    alt_text = forms.CharField(label=_("What the images show"), max_length=250,
                               help_text=_("For people who cannot see the pictures."))
    attachment = forms.FileField(label=_("Description as PDF (optional)"), required=False,
                                 widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
                                 help_text=_("At most 20 MB."))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Built per form so that it follows the visitor's language.
        self.fields["images"].help_text = _("One to %(n)s files: JPEG, PNG or WebP, at most 10 MB each.") % {
            "n": MAX_DESIGN_IMAGES}


class GalleryFilterForm(forms.Form):
    """The gallery's filters; a value that is not on offer is ignored, never an error page."""

    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label=_("Status"), required=False)
    zone = forms.ModelChoiceField(label=_("Zone"), required=False, queryset=Zone.objects.none(),
                                  empty_label=_("all zones"))

    def __init__(self, *args, centre, years: list[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("all years"))] + [(y, str(y)) for y in years]
        self.fields["status"].choices = [("", _("all"))] + [
            (value, label) for value, label in Mural.Status.choices if value != Mural.Status.REMOVED]
        self.fields["zone"].queryset = Zone.objects.filter(centre=centre).order_by("name") if centre else \
            Zone.objects.none()
