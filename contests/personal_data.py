"""Personal fields of the contests app and how a voter or entrant belongs to a centre (autodiscovered by
core.apps; issue 10)."""

from core.gdpr import register_fields
from core.people import register_tie

register_fields("contests.Nomination", user_field="user", fields=("reason",))
register_tie("contests.Vote", user_field="voter", centre_field="round__contest__centre")
register_tie("contests.Entry", user_field="submitted_by", centre_field="contest__centre")
register_tie("contests.Nomination", user_field="user", centre_field="entry__contest__centre")
# Files an entrant uploaded may show them: erased with the person (the entry's title and votes stay).
register_fields("contests.Entry", user_field="submitted_by", fields=(), files=("attachment",))
register_fields("contests.EntryImage", user_field="entry__submitted_by", fields=(), files=("image",))
