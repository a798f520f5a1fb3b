"""The index the till counts a holder's accepted uses of a perk from (index-only): perk, card, day, accepted only.

Built CONCURRENTLY on PostgreSQL, so a large loyalty_check table keeps taking checks while it is made (hence a
non-atomic migration); other databases build it the ordinary way.
"""

from django.db import migrations, models


class AddIndexConcurrentlyOnPostgres(migrations.AddIndex):
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return super().database_forwards(app_label, schema_editor, from_state, to_state)
        model = to_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            schema_editor.add_index(model, self.index, concurrently=True)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return super().database_backwards(app_label, schema_editor, from_state, to_state)
        model = from_state.apps.get_model(app_label, self.model_name)
        if self.allow_migrate_model(schema_editor.connection.alias, model):
            schema_editor.remove_index(model, self.index, concurrently=True)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("loyalty", "0002_till_proofs_keys_terms_one_history_shape"),
    ]

    operations = [
        AddIndexConcurrentlyOnPostgres(
            model_name="check",
            index=models.Index(condition=models.Q(("accepted", True)), fields=["perk", "card", "day"],
                               name="loyalty_check_accepted_uses"),
        ),
    ]
