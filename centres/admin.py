from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .admin_scoping import CentreScopedAdmin, CentreScopedTabularInline
from .models import Business, BusinessMembership, Centre, FeeRate, Street, User, Zone


@admin.register(Centre)
class CentreAdmin(CentreScopedAdmin):
    centre_field = "pk"
    list_display = ["name", "code", "city", "office_name", "email", "is_active"]
    search_fields = ["name", "city", "office_name"]
    list_filter = ["is_active"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        qs = admin.ModelAdmin.get_queryset(self, request)
        return qs if request.user.is_superuser else qs.filter(pk__in=self._centre_ids(request))

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class FeeRateInline(CentreScopedTabularInline):
    """The zone's rates, listed; each is added and changed on its own page, through the service that refuses an
    overlap (an inline formset would save rates past it)."""

    model = FeeRate
    extra = 0
    fields = ["use", "price_pln", "valid_from", "valid_to", "resolution"]
    readonly_fields = fields
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class StreetInline(CentreScopedTabularInline):
    model = Street
    extra = 0
    fields = ["name", "centre"]


@admin.register(Zone)
class ZoneAdmin(CentreScopedAdmin):
    list_display = ["name", "centre", "kind", "max_garden_area_m2", "min_pedestrian_width_m"]
    list_filter = ["centre", "kind"]
    search_fields = ["name", "streets__name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [StreetInline, FeeRateInline]


@admin.register(FeeRate)
class FeeRateAdmin(CentreScopedAdmin):
    centre_field = "zone__centre"
    list_display = ["zone", "use", "price_pln", "valid_from", "valid_to", "resolution"]
    list_filter = ["zone__centre", "use", "zone"]
    search_fields = ["zone__name", "resolution"]
    date_hierarchy = "valid_from"

    def save_model(self, request, obj, form, change):
        from . import services

        fields = {f: getattr(obj, f) for f in ("zone", "use", "price_pln", "valid_from", "valid_to", "resolution")}
        if change:
            services.update_fee_rate(rate=obj, **fields)
        else:
            form.instance = services.create_fee_rate(**fields)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        original_clean = form.clean

        def clean(form_self):
            data = original_clean(form_self)
            from .selectors import overlapping_rates

            zone, use, start = data.get("zone"), data.get("use"), data.get("valid_from")
            if zone and use and start and overlapping_rates(zone=zone, use=use, valid_from=start,
                                                            valid_to=data.get("valid_to"),
                                                            exclude_pk=form_self.instance.pk).exists():
                form_self.add_error("valid_from", _("This period overlaps another rate of the same zone and use."))
            return data

        form.clean = clean
        return form


@admin.register(Street)
class StreetAdmin(CentreScopedAdmin):
    list_display = ["name", "zone", "centre"]
    list_filter = ["centre", "zone"]
    search_fields = ["name"]


class MembershipInline(CentreScopedTabularInline):
    model = BusinessMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Business)
class BusinessAdmin(CentreScopedAdmin):
    list_display = ["name", "nip", "street", "building_number", "zone", "category", "is_active"]
    list_filter = ["centre", "zone", "category", "is_active"]
    search_fields = ["name", "nip", "street__name", "email"]
    list_select_related = ["street", "zone"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline]


@admin.register(BusinessMembership)
class BusinessMembershipAdmin(CentreScopedAdmin):
    centre_field = "business__centre"
    list_display = ["user", "business", "role", "created_at"]
    list_filter = ["role", "business__centre"]
    search_fields = ["user__email", "business__name"]
    autocomplete_fields = ["user", "business"]
    list_select_related = ["user", "business"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """People, scoped like everything else: office staff see the residents and business people tied to their
    centres (centres.selectors.people_of_centres) and change only those tied to no other centre; never a staff
    account or a superuser. Nobody sets a password here: the admin sends the person a reset link instead."""

    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active", "email_verified_at", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active", "staff_centres"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email",)}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "phone", "language", "email_verified_at")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "staff_centres", "groups",
                                       "user_permissions")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined", "erased_at")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    filter_horizontal = ["staff_centres", "groups", "user_permissions"]
    actions = ["send_reset_links"]
    change_form_template = "admin/centres/user/change_form.html"

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if request.user.is_superuser:
            return qs
        from .selectors import people_of_centres, staff_centre_ids

        return qs.filter(pk__in=people_of_centres(staff_centre_ids(request.user)).values("pk"))

    def get_search_results(self, request, queryset, search_term):
        """The membership autocomplete may also find one person outside the centres by their exact e-mail."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip().lower()
        if (not request.user.is_superuser and "@" in term and request.path.endswith("/autocomplete/")
                and not results.filter(email=term).exists()):
            exact = User.objects.filter(email=term, is_staff=False, is_superuser=False, is_active=True)
            results = results | exact
        return results, may_have_duplicates

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and not request.user.is_superuser:
            # Only a superuser may grant staff status, centres or permissions.
            return fieldsets[:2]
        return fieldsets

    def get_readonly_fields(self, request, obj=None):
        return ["last_login", "date_joined", "erased_at"] if obj is not None else []

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        if obj is None or request.user.is_superuser:
            return True
        from .selectors import may_change_person

        return may_change_person(request.user, obj)

    def get_urls(self):
        from django.urls import path

        urls = super().get_urls()
        custom = [path("<id>/password/", self.admin_site.admin_view(self.user_change_password),
                       name="centres_user_password_change")]
        return custom + [u for u in urls if getattr(u, "name", None) != "centres_user_password_change"]

    def user_change_password(self, request, id, form_url=""):
        """Replaces Django's set-a-password form: confirm, then e-mail the person a reset link."""
        from django.contrib import messages
        from django.core.exceptions import PermissionDenied
        from django.http import Http404
        from django.shortcuts import redirect
        from django.template.response import TemplateResponse

        from . import services

        try:
            person = self.get_queryset(request).get(pk=int(id) if str(id).isascii() and str(id).isdigit() else -1)
        except (User.DoesNotExist, ValueError, OverflowError):
            raise Http404 from None
        if not self.has_change_permission(request, person):
            raise PermissionDenied
        if request.method == "POST":
            if services.send_password_reset(user=person, by=request.user, request=request):
                messages.success(request, _("A link to set a new password was sent to %(email)s.")
                                 % {"email": person.email})
            else:
                messages.warning(request, _("This account cannot log in, so no link was sent."))
            return redirect("admin:centres_user_change", person.pk)
        context = {**self.admin_site.each_context(request), "person": person, "opts": self.opts,
                   "title": _("Send a password reset link"), "original": person}
        return TemplateResponse(request, "admin/centres/user/send_reset_link.html", context)

    @admin.action(description=_("Send a password reset link"))
    def send_reset_links(self, request, queryset):
        from django.contrib import messages

        from . import services
        from .selectors import may_change_person

        sent = 0
        for person in queryset:
            if may_change_person(request.user, person) and services.send_password_reset(
                    user=person, by=request.user, request=request):
                sent += 1
        messages.success(request, _("Reset links sent: %(n)s.") % {"n": sent})

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        from core.security import SecurityEvent, record

        record(SecurityEvent.Kind.ADMIN_ACTION, request=request, user=obj, actor=request.user,
               detail=("changed: " + ", ".join(form.changed_data))[:300] if change else "added")

    def delete_model(self, request, obj):
        from core.security import SecurityEvent, record

        record(SecurityEvent.Kind.ADMIN_ACTION, request=request, user=obj, actor=request.user, detail="deleted")
        super().delete_model(request, obj)
