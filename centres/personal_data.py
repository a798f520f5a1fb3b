"""Personal data of the centres app and how a person belongs to a centre (autodiscovered by core.apps)."""

from core.gdpr import register_fields
from core.people import register_tie

register_fields("centres.User", user_field="pk", fields=("email", "first_name", "last_name", "phone"))
register_tie("centres.BusinessMembership", user_field="user", centre_field="business__centre")
