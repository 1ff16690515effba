"""Attendance as presence intervals, and the discussion times of each agenda item (schema)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('meetings', '0003_constraint_messages_in_french'),
    ]

    operations = [
        migrations.CreateModel(
            name='PresenceInterval',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('arrived_at', models.DateTimeField(verbose_name='arrivée')),
                ('left_at', models.DateTimeField(blank=True, null=True, verbose_name='départ')),
            ],
            options={
                'verbose_name': 'période de présence',
                'verbose_name_plural': 'périodes de présence',
                'ordering': ['arrived_at'],
            },
        ),
        migrations.AddField(
            model_name='agendaitem',
            name='discussion_ended_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='fin de la discussion'),
        ),
        migrations.AddField(
            model_name='agendaitem',
            name='discussion_started_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='début de la discussion'),
        ),
        migrations.AddConstraint(
            model_name='agendaitem',
            constraint=models.CheckConstraint(condition=models.Q(('discussion_ended_at__isnull', True), models.Q(('discussion_ended_at__gte', models.F('discussion_started_at')), ('discussion_started_at__isnull', False)), _connector='OR'), name='agenda_discussion_ends_after_it_starts', violation_error_message='La fin de la discussion suit son début.'),
        ),
        migrations.AddField(
            model_name='presenceinterval',
            name='participant',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='intervals', to='meetings.participant'),
        ),
        migrations.AddConstraint(
            model_name='presenceinterval',
            constraint=models.CheckConstraint(condition=models.Q(('left_at__isnull', True), ('left_at__gte', models.F('arrived_at')), _connector='OR'), name='presence_leaves_after_arriving', violation_error_message="L'heure de départ suit l'heure d'arrivée."),
        ),
        migrations.AddConstraint(
            model_name='presenceinterval',
            constraint=models.UniqueConstraint(condition=models.Q(('left_at__isnull', True)), fields=('participant',), name='presence_one_open_interval', violation_error_message='Ce participant est déjà présent.'),
        ),
    ]
