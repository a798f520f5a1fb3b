from django.contrib import admin

from .models import SentNotification


@admin.register(SentNotification)
class SentNotificationAdmin(admin.ModelAdmin):
    """The e-mail ledger spans every centre: superusers only (the office-staff group has no rights on it)."""

    list_display = ["key", "recipient", "subject", "sent_at"]
    search_fields = ["key", "recipient", "subject"]
    date_hierarchy = "sent_at"
    readonly_fields = ["key", "recipient", "subject", "sent_at"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


from .security import SecurityEvent  # noqa: E402


@admin.register(SecurityEvent)
class SecurityEventAdmin(admin.ModelAdmin):
    """The security log: superusers only, read-only."""

    list_display = ["created_at", "kind", "user", "attempted", "ip_address", "path", "actor"]
    list_filter = ["kind"]
    search_fields = ["attempted", "ip_address", "user__email", "detail"]
    date_hierarchy = "created_at"
    list_select_related = ["user", "actor"]

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
