"""Personal data in the gardens app: applications name their author, history and inspections the acting person.

Applications belong to businesses (public-law records of the office), so erasure keeps them and removes only the
link to the person; notes and uploaded files stay with the business.
"""

from __future__ import annotations

from typing import Any

from .models import ApplicationHistory, Attachment, GardenApplication, Inspection


def export_user_data(user: Any) -> dict[str, Any]:
    return {
        "applications_created": [
            {"id": a.pk, "business": a.business.name, "season": a.season.year, "status": a.status,
             "permit_number": a.permit_number, "created_at": a.created_at.isoformat()}
            for a in GardenApplication.objects.filter(created_by=user).select_related("business", "season")
        ],
        "status_changes": [
            {"application": h.application_id, "from": h.from_status, "to": h.to_status, "at": h.created_at.isoformat(),
             "note": h.note}
            for h in ApplicationHistory.objects.filter(by=user).order_by("created_at")
        ],
        "attachments_uploaded": list(Attachment.objects.filter(uploaded_by=user)
                                     .values_list("original_name", flat=True)),
        "inspections": [{"application": i.application_id, "date": i.inspected_on.isoformat()}
                        for i in Inspection.objects.filter(inspector=user)],
    }


def erase_user_data(user: Any) -> None:
    GardenApplication.objects.filter(created_by=user).update(created_by=None)
    ApplicationHistory.objects.filter(by=user).update(by=None)
    Attachment.objects.filter(uploaded_by=user).update(uploaded_by=None)
    Inspection.objects.filter(inspector=user).update(inspector=None)
