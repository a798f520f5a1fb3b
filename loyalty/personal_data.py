"""Personal fields of the loyalty app and how a cardholder belongs to a centre (autodiscovered by core.apps;
added by the trust-boundaries work, issue 10)."""

from core.gdpr import register_fields
from core.people import register_tie

register_fields("loyalty.Card", user_field="holder",
                fields=("first_name", "last_name", "address", "postal_code", "city", "email"))
register_tie("loyalty.Card", user_field="holder", centre_field="centre")
