"""Eligibility, frozen rules and results, honest paper ballots, a jury without conflicts, and the audit trail.

- Votes refer to their round entry (filled from the round and entry they name; a vote for an entry that was not
  in its round gets a withdrawn round entry, so it stays recorded but counts for nothing). On PostgreSQL a
  composite foreign key keeps the vote's round and entry equal to its round entry's.
- Paper ballot batches get their protocol number (existing ones: “legacy-<id>”), who counted them and reversals.
- The entry history takes the one history shape (core.models.StatusChange): `at` becomes `created_at`.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


def link_votes_to_round_entries(apps, schema_editor):
    Vote = apps.get_model("contests", "Vote")
    RoundEntry = apps.get_model("contests", "RoundEntry")
    for vote in Vote.objects.filter(round_entry__isnull=True).iterator():
        round_entry, created = RoundEntry.objects.get_or_create(
            round_id=vote.round_id, entry_id=vote.entry_id,
            defaults={"withdrawn_at": django.utils.timezone.now(),
                      "withdrawn_reason": "The entry was not in this round when the vote was cast."})
        Vote.objects.filter(pk=vote.pk).update(round_entry=round_entry)


def number_legacy_batches(apps, schema_editor):
    Batch = apps.get_model("contests", "PaperBallotBatch")
    for batch in Batch.objects.all().iterator():
        Batch.objects.filter(pk=batch.pk).update(protocol_number=f"legacy-{batch.pk}", counted_by="—")


COMPOSITE_FK = (
    "ALTER TABLE contests_vote ADD CONSTRAINT vote_matches_round_entry "
    "FOREIGN KEY (round_entry_id, round_id, entry_id) REFERENCES contests_roundentry (id, round_id, entry_id) "
    "DEFERRABLE INITIALLY DEFERRED"
)


def add_composite_fk(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(COMPOSITE_FK)


def drop_composite_fk(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE contests_vote DROP CONSTRAINT IF EXISTS vote_matches_round_entry")


class Migration(migrations.Migration):

    dependencies = [
        ("contests", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # --- entry history in the one shape
        migrations.RenameField("entrystatuschange", "at", "created_at"),
        migrations.AlterField("entrystatuschange", "created_at",
                              models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="when")),
        migrations.AlterField("entrystatuschange", "note", models.TextField(blank=True, verbose_name="reason")),
        migrations.AlterField("entrystatuschange", "from_status", models.CharField(
            blank=True, max_length=30, verbose_name="from", choices=[
                ("submitted", "submitted"), ("eligible", "eligible"), ("ineligible", "ineligible"),
                ("shortlisted", "shortlisted"), ("finalist", "finalist"), ("winner", "winner")])),
        migrations.AlterField("entrystatuschange", "to_status", models.CharField(
            max_length=30, verbose_name="to", choices=[
                ("submitted", "submitted"), ("eligible", "eligible"), ("ineligible", "ineligible"),
                ("shortlisted", "shortlisted"), ("finalist", "finalist"), ("winner", "winner")])),
        migrations.AlterModelOptions("entrystatuschange", options={
            "ordering": ["entry", "created_at", "pk"], "verbose_name": "entry status change",
            "verbose_name_plural": "entry status changes"}),
        # --- contest: corrections
        migrations.AddField("contest", "correction_opened_at", models.DateTimeField(
            blank=True, null=True, verbose_name="correction opened at",
            help_text="While a correction is open, votes may be voided and ballots entered; the public page keeps "
                      "showing the published figures until the results are republished.")),
        migrations.AddField("contest", "correction_reason", models.TextField(
            blank=True, verbose_name="reason for the correction")),
        # --- jury
        migrations.AddField("score", "excluded_reason", models.TextField(
            blank=True, verbose_name="excluded because",
            help_text="Set when the office records a conflict of interest after the score was given: the score "
                      "stays on record but no longer counts.")),
        migrations.AddField("conflictofinterest", "recorded_by", models.ForeignKey(
            blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+",
            to=settings.AUTH_USER_MODEL, verbose_name="recorded by the office",
            help_text="Empty when the juror declared the conflict.")),
        # --- rounds and their entries
        migrations.AddField("votinground", "eligible_voters", models.PositiveIntegerField(
            blank=True, null=True, verbose_name="eligible voters",
            help_text="How many people may vote in the round, where known (e.g. active cardholders); shown with the "
                      "results.")),
        migrations.AddField("roundentry", "withdrawn_at", models.DateTimeField(
            blank=True, null=True, verbose_name="withdrawn at")),
        migrations.AddField("roundentry", "withdrawn_by", models.ForeignKey(
            blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+",
            to=settings.AUTH_USER_MODEL, verbose_name="withdrawn by")),
        migrations.AddField("roundentry", "withdrawn_reason", models.TextField(
            blank=True, verbose_name="reason for withdrawal")),
        migrations.AddConstraint("roundentry", models.UniqueConstraint(
            fields=("id", "round", "entry"), name="round_entry_vote_target")),
        migrations.AddConstraint("roundentry", models.CheckConstraint(
            condition=models.Q(("withdrawn_at__isnull", True), models.Q(("withdrawn_reason", ""), _negated=True),
                               _connector="OR"),
            name="round_entry_withdrawn_has_reason", violation_error_message="A withdrawal needs a reason.")),
        # --- votes refer to their round entry
        migrations.AddField("vote", "round_entry", models.ForeignKey(
            null=True, on_delete=django.db.models.deletion.PROTECT, related_name="votes",
            to="contests.roundentry", verbose_name="entry in the round")),
        migrations.RunPython(link_votes_to_round_entries, migrations.RunPython.noop),
        migrations.AlterField("vote", "round_entry", models.ForeignKey(
            on_delete=django.db.models.deletion.PROTECT, related_name="votes", to="contests.roundentry",
            verbose_name="entry in the round")),
        migrations.RunPython(add_composite_fk, drop_composite_fk),
        # --- paper ballots
        migrations.RemoveConstraint("paperballotbatch", "paper_batch_count_positive"),
        migrations.AddField("paperballotbatch", "protocol_number", models.CharField(
            default="", max_length=40, verbose_name="protocol batch number",
            help_text="The batch's number in the ballot protocol, e.g. “CIT/3”."), preserve_default=False),
        migrations.AddField("paperballotbatch", "counted_by", models.CharField(
            default="", max_length=150, verbose_name="counted by", help_text="Who counted the ballots."),
            preserve_default=False),
        migrations.AddField("paperballotbatch", "reverses", models.OneToOneField(
            blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="reversal",
            to="contests.paperballotbatch", verbose_name="reverses batch")),
        migrations.AddField("paperballotbatch", "reversed_at", models.DateTimeField(
            blank=True, editable=False, null=True, verbose_name="reversed at")),
        migrations.AlterField("paperballotbatch", "count", models.IntegerField(
            verbose_name="ballots", help_text="Negative only in a reversing batch.")),
        migrations.AlterField("paperballotbatch", "place", models.CharField(
            max_length=150, verbose_name="ballot box or information point",
            help_text="e.g. the information point at Rynek Staromiejski 25.")),
        migrations.RunPython(number_legacy_batches, migrations.RunPython.noop),
        migrations.AlterModelOptions("paperballotbatch", options={
            "ordering": ["round", "-entered_at", "-pk"], "verbose_name": "paper ballot batch",
            "verbose_name_plural": "paper ballot batches"}),
        migrations.AddConstraint("paperballotbatch", models.CheckConstraint(
            condition=models.Q(models.Q(("count__gte", 1), ("reverses__isnull", True)),
                               models.Q(("count__lte", -1), ("reverses__isnull", False),
                                        models.Q(("note", ""), _negated=True)), _connector="OR"),
            name="paper_batch_count_sign",
            violation_error_message="A batch counts at least one ballot; a reversing batch needs a reason.")),
        migrations.AddConstraint("paperballotbatch", models.UniqueConstraint(
            condition=models.Q(("reversed_at__isnull", True), ("reverses__isnull", True)),
            fields=("round", "protocol_number"), name="paper_batch_number_once_per_round",
            violation_error_message="This protocol batch number is already entered in the round.")),
        migrations.CreateModel(
            name="BallotProtocol",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("issued", models.PositiveIntegerField(verbose_name="ballots issued")),
                ("returned", models.PositiveIntegerField(verbose_name="ballots returned")),
                ("valid", models.PositiveIntegerField(verbose_name="valid ballots")),
                ("void", models.PositiveIntegerField(verbose_name="void ballots")),
                ("recorded_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="recorded at")),
                ("note", models.TextField(blank=True, verbose_name="note")),
                ("recorded_by", models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL,
                                                  related_name="+", to=settings.AUTH_USER_MODEL,
                                                  verbose_name="recorded by")),
                ("round", models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name="protocol",
                                               to="contests.votinground", verbose_name="round")),
            ],
            options={"verbose_name": "ballot protocol", "verbose_name_plural": "ballot protocols"},
        ),
        # --- published results
        migrations.CreateModel(
            name="ResultPublication",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("version", models.PositiveSmallIntegerField(verbose_name="version")),
                ("published_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="published at")),
                ("reason", models.TextField(blank=True, verbose_name="reason for the correction")),
                ("ranking_method", models.CharField(max_length=20, verbose_name="ranking method", choices=[
                    ("public", "public vote only"), ("commission", "commission only"),
                    ("weighted", "weighted: public vote and commission")])),
                ("counting_rule", models.TextField(verbose_name="counting rule")),
                ("tie_rule", models.TextField(verbose_name="tie rule")),
                ("scoring_rule", models.TextField(blank=True, verbose_name="scoring rule")),
                ("totals", models.JSONField(default=list, verbose_name="totals per round")),
                ("contest", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="publications",
                                              to="contests.contest", verbose_name="contest")),
                ("published_by", models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL,
                                                   related_name="+", to=settings.AUTH_USER_MODEL,
                                                   verbose_name="published by")),
            ],
            options={"verbose_name": "results publication", "verbose_name_plural": "results publications",
                     "ordering": ["contest", "-version"],
                     "constraints": [
                         models.UniqueConstraint(fields=("contest", "version"), name="publication_version_once"),
                         models.CheckConstraint(
                             condition=models.Q(("version", 1), models.Q(("reason", ""), _negated=True),
                                                _connector="OR"),
                             name="republication_has_reason", violation_error_message="A correction needs a reason."),
                     ]},
        ),
        migrations.CreateModel(
            name="ResultFigure",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("title", models.CharField(max_length=200, verbose_name="title")),
                ("rank", models.PositiveIntegerField(blank=True, null=True, verbose_name="rank",
                                                  help_text="Empty: out of the ranking.")),
                ("web_votes", models.PositiveIntegerField(default=0, verbose_name="web votes")),
                ("paper_votes", models.IntegerField(default=0, verbose_name="paper votes")),
                ("voided", models.PositiveIntegerField(default=0, verbose_name="voided votes")),
                ("total_votes", models.IntegerField(default=0, verbose_name="total")),
                ("percent", models.DecimalField(decimal_places=2, default=0, max_digits=6, verbose_name="percent")),
                ("jury_score", models.DecimalField(blank=True, decimal_places=2, max_digits=6, null=True,
                                                   verbose_name="commission score")),
                ("public_points", models.DecimalField(blank=True, decimal_places=2, max_digits=6, null=True,
                                                      verbose_name="public points")),
                ("final_score", models.DecimalField(blank=True, decimal_places=2, max_digits=6, null=True,
                                                    verbose_name="final score")),
                ("out_reason", models.TextField(blank=True, verbose_name="why out of the ranking")),
                ("position", models.PositiveIntegerField(default=0, verbose_name="position")),
                ("entry", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                            to="contests.entry", verbose_name="entry")),
                ("publication", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="figures",
                                                  to="contests.resultpublication", verbose_name="publication")),
                ("round", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                            related_name="+", to="contests.votinground", verbose_name="round")),
            ],
            options={"verbose_name": "result figure", "verbose_name_plural": "result figures",
                     "ordering": ["publication", "round", "position"]},
        ),
        # --- audit
        migrations.CreateModel(
            name="ContestEvent",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(max_length=30, verbose_name="what", choices=[
                    ("vote_voided", "vote voided"), ("ballots_entered", "paper ballots entered"),
                    ("ballots_reversed", "paper ballot batch reversed"),
                    ("protocol_recorded", "ballot protocol recorded"),
                    ("entry_withdrawn", "entry withdrawn from a round"),
                    ("conflict_recorded", "conflict of interest recorded"), ("round_changed", "round changed"),
                    ("correction_opened", "correction opened"), ("results_published", "results published")])),
                ("created_at", models.DateTimeField(db_index=True, default=django.utils.timezone.now,
                                                    verbose_name="when")),
                ("note", models.TextField(blank=True, verbose_name="why")),
                ("detail", models.TextField(blank=True, verbose_name="detail")),
                ("by", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                         related_name="+", to=settings.AUTH_USER_MODEL, verbose_name="by")),
                ("contest", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="events",
                                              to="contests.contest", verbose_name="contest")),
                ("round", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                            related_name="+", to="contests.votinground", verbose_name="round")),
            ],
            options={"verbose_name": "contest event", "verbose_name_plural": "contest history",
                     "ordering": ["contest", "-created_at", "-pk"]},
        ),
    ]
