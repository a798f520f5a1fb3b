"""How an applicant belongs to a centre (autodiscovered by core.apps; issue 10). Applications and their
attachments belong to the business, so no field of theirs is the person's."""

from core.people import register_tie

register_tie("gardens.GardenApplication", user_field="created_by", centre_field="business__centre")
