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
    model = FeeRate
    extra = 0
    fields = ["use", "price_pln", "valid_from", "valid_to", "resolution"]


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
    """Users are global (a resident may hold cards in several centres); staff see those tied to their centre."""

    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active", "email_verified_at", "date_joined"]
    list_filter = ["is_staff", "is_superuser", "is_active", "staff_centres"]
    search_fields = ["email", "first_name", "last_name"]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "phone", "language", "email_verified_at")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "staff_centres", "groups",
                                       "user_permissions")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined", "erased_at")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)
    filter_horizontal = ["staff_centres", "groups", "user_permissions"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and not request.user.is_superuser:
            # Only a superuser may grant staff status, centres or permissions.
            return fieldsets[:2]
        return fieldsets

    def has_change_permission(self, request, obj=None):
        if obj is not None and not request.user.is_superuser and (obj.is_superuser or obj.is_staff):
            return obj.pk == request.user.pk
        return super().has_change_permission(request, obj)
