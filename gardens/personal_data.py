"""How an applicant belongs to a centre (autodiscovered by core.apps; issue 10). Applications and their
attachments belong to the business, so no field of theirs is the person's."""

from core.people import register_tie

register_tie("gardens.GardenApplication", user_field="created_by", centre_field="business__centre")

from core.gdpr import register_fields  # noqa: E402

# The name a file came with may name the person ("scan-anna-nowak.pdf"); the file itself is the business's.
register_fields("gardens.Attachment", user_field="uploaded_by", fields=("original_name",))
