from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0001_initial"),
        ("portal", "0002_move_sentnotification_to_core"),
    ]

    operations = [
        migrations.AlterModelTable(name="sentnotification", table=None),
    ]
