"""Spreadsheet export of café-garden permits for the office (export only: permits are issued by the workflow)."""

from __future__ import annotations

from import_export import fields

from core.resources import CentreResource

from .models import GardenApplication


class PermitResource(CentreResource):
    """Issued permits (approved or revoked) of the staff's centre: number, business, place, area, period, fee."""

    centre_path = "season__centre"

    permit_number = fields.Field("permit_number", "permit_number")
    business = fields.Field("business__name", "business")
    nip = fields.Field("business__nip", "nip")
    season = fields.Field("season__year", "season")
    zone = fields.Field("zone__name", "zone")
    street = fields.Field("street__name", "street")
    address = fields.Field("address", "address")
    area_m2 = fields.Field("area_m2", "area_m2")
    period_start = fields.Field("period_start", "period_start")
    period_end = fields.Field("period_end", "period_end")
    fee_gross = fields.Field("fee_gross", "fee_gross")
    fee_discount_percent = fields.Field("fee_discount_percent", "fee_discount_percent")
    fee_discount = fields.Field("fee_discount", "fee_discount")
    fee_total = fields.Field("fee_total", "fee_total")
    status = fields.Field("status", "status")

    class Meta:
        model = GardenApplication
        fields = ("permit_number", "business", "nip", "season", "zone", "street", "address", "area_m2",
                  "period_start", "period_end", "fee_gross", "fee_discount_percent", "fee_discount", "fee_total",
                  "status")
        export_order = fields

    def get_queryset(self):
        return (super().get_queryset()
                .filter(status__in=[GardenApplication.Status.APPROVED, GardenApplication.Status.REVOKED])
                .select_related("business", "season", "zone", "street").order_by("season__year", "permit_sequence"))

