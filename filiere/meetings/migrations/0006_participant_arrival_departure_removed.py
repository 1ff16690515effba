"""The single arrival and departure of a participant give way to presence intervals."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('meetings', '0005_presence_intervals_from_arrival_departure'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='participant',
            name='participant_leaves_after_arriving',
        ),
        migrations.RemoveField(
            model_name='participant',
            name='checked_in_at',
        ),
        migrations.RemoveField(
            model_name='participant',
            name='checked_out_at',
        ),
    ]
