from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FollowupConfig(AppConfig):
    name = "filiere.followup"
    verbose_name = _("Suivi longitudinal")

    def ready(self) -> None:
        from filiere.followup.panels import followup_panel
        from filiere.patients.panels import register_panel

        register_panel("followup/panel.html", followup_panel, position=30)

        from filiere.followup.selectors import national_activities_of, patients_by_follow_up
        from filiere.patients.activities import register_activity_source
        from filiere.patients.list_filters import register_list_filter

        register_activity_source(national_activities_of)
        register_list_filter("followup", patients_by_follow_up)

        from filiere.followup.phenopackets import medical_actions_of
        from filiere.patients.phenopackets import register_treatment_source

        register_treatment_source(medical_actions_of)

        from filiere.followup.corrections import register_followup_records

        register_followup_records()

        from filiere.followup.attention import register_home_counts

        register_home_counts()

        from filiere.followup.services.schedule import schedules_refresh
        from filiere.patients.hooks import register_care_episode_listener

        # A centre that starts or stops following a patient changes its worklist: the patient's
        # due dates per centre are rewritten in the same transaction.
        register_care_episode_listener(schedules_refresh)

        from filiere.followup.services.merge import FOLLOW_UP_RECORDS
        from filiere.patients.hooks import register_record_mover

        register_record_mover(FOLLOW_UP_RECORDS)

        from filiere.followup.tasks import print_care_cards, refresh_schedules
        from filiere.jobs.models import Job
        from filiere.jobs.services import register_job_task

        register_job_task(Job.Kind.FOLLOWUP_REFRESH, refresh_schedules, back="followup:rules")
        register_job_task(Job.Kind.CARE_CARDS, print_care_cards, back="followup:worklist_home")

        from filiere.core.reports import register_section
        from filiere.followup.report import followup_section

        register_section("followup", followup_section, position=30)
