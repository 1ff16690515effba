"""Each recorded arrival (and departure) becomes one presence interval; each discussed case gets
its discussion time as a one-instant interval (the only time recorded before)."""

from django.db import migrations


def forwards(apps, schema_editor):
    Participant = apps.get_model("meetings", "Participant")
    PresenceInterval = apps.get_model("meetings", "PresenceInterval")
    AgendaItem = apps.get_model("meetings", "AgendaItem")
    PresenceInterval.objects.bulk_create(
        PresenceInterval(
            participant_id=participant.pk,
            arrived_at=participant.checked_in_at,
            left_at=participant.checked_out_at,
        )
        for participant in Participant.objects.filter(checked_in_at__isnull=False).only(
            "pk", "checked_in_at", "checked_out_at"
        )
    )
    for item in AgendaItem.objects.filter(discussed_at__isnull=False).only("pk", "discussed_at"):
        AgendaItem.objects.filter(pk=item.pk).update(
            discussion_started_at=item.discussed_at, discussion_ended_at=item.discussed_at
        )


def backwards(apps, schema_editor):
    Participant = apps.get_model("meetings", "Participant")
    PresenceInterval = apps.get_model("meetings", "PresenceInterval")
    AgendaItem = apps.get_model("meetings", "AgendaItem")
    for participant in Participant.objects.all():
        spans = list(PresenceInterval.objects.filter(participant=participant).order_by("arrived_at"))
        if spans:
            Participant.objects.filter(pk=participant.pk).update(
                checked_in_at=spans[0].arrived_at, checked_out_at=spans[-1].left_at
            )
    PresenceInterval.objects.all().delete()
    AgendaItem.objects.update(discussion_started_at=None, discussion_ended_at=None)


class Migration(migrations.Migration):

    dependencies = [
        ('meetings', '0004_presence_intervals_and_discussion_times'),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
