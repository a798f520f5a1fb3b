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
