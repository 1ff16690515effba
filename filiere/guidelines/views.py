"""The PNDS projects (timeline, a project's page, its groups, meetings and versions) and the
network's action plan (board by status). Members of the network read; a project's coordinators
edit their project; the network coordinator manages everything (filiere/access/guidelines.py)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from filiere.access.guidelines import (
    may_manage_guidelines,
    may_see_guidelines,
    project_rights,
)
from filiere.core.access_errors import NotVisible
from filiere.core.forms import apply_errors, flash_errors
from filiere.core.http import AuthenticatedRequest
from filiere.guidelines import selectors, services
from filiere.guidelines.forms import (
    ActionForm,
    GroupForm,
    MeetingForm,
    ProjectForm,
    StatusForm,
    VersionForm,
)
from filiere.guidelines.models import GuidelineProject, PlanAction, WorkingGroup


def _member(request: AuthenticatedRequest, reason: str) -> None:
    if not may_see_guidelines(request.user):
        raise NotVisible(reason=reason)


def _manager(request: AuthenticatedRequest, reason: str) -> None:
    if not may_manage_guidelines(request.user):
        raise NotVisible(reason=reason)


def _project(
    request: AuthenticatedRequest, project_id: uuid.UUID, *, edit: bool
) -> GuidelineProject:
    project = GuidelineProject.objects.filter(public_id=project_id).first()
    if project is None:
        raise Http404
    rights = project_rights(request.user, project)
    if not (rights.edit if edit else rights.view):
        raise NotVisible("guidelines.guidelineproject", str(project_id), "PNDS")
    return project


def _group(project: GuidelineProject, group_id: uuid.UUID) -> WorkingGroup:
    group = WorkingGroup.objects.filter(project=project, public_id=group_id).first()
    if group is None:
        raise Http404
    return group


def _data(request: AuthenticatedRequest) -> QueryDict | None:
    return request.POST if request.method == "POST" else None


@login_required
def index(request: AuthenticatedRequest) -> HttpResponse:
    _member(request, "PNDS")
    rows = list(selectors.projects())
    return render(
        request,
        "guidelines/index.html",
        {
            "led": selectors.timeline([p for p in rows if p.led_by_network]),
            "participations": selectors.timeline([p for p in rows if not p.led_by_network]),
            "may_manage": may_manage_guidelines(request.user),
        },
    )


@login_required
def project_create(request: AuthenticatedRequest) -> HttpResponse:
    _manager(request, "PNDS : nouveau projet")
    form = ProjectForm(_data(request), members=selectors.network_members())
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(actor=request.user, **form.service_values())
        except ValidationError as error:
            apply_errors(form, error, aliases=form.aliases())
        else:
            messages.success(request, _("Projet de PNDS enregistré."))
            return redirect("guidelines:project", project_id=project.public_id)
    return render(request, "guidelines/form.html", {"form": form, "title": _("Nouveau PNDS")})


@login_required
def project_detail(request: AuthenticatedRequest, project_id: uuid.UUID) -> HttpResponse:
    project = _project(request, project_id, edit=False)
    page = selectors.project_page(project.public_id)
    assert page is not None  # noqa: S101 - found just above
    return render(
        request,
        "guidelines/project.html",
        {
            "project": page,
            "lines": selectors.timeline([page]),
            "may_edit": project_rights(request.user, project).edit,
            "status_form": StatusForm(initial={"status": project.status}),
        },
    )


@login_required
def project_edit(request: AuthenticatedRequest, project_id: uuid.UUID) -> HttpResponse:
    project = _project(request, project_id, edit=True)
    form = ProjectForm(
        _data(request),
        members=selectors.network_members(),
        initial=ProjectForm.initial_of(project),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.project_update(actor=request.user, project=project, **form.service_values())
        except ValidationError as error:
            apply_errors(form, error, aliases=form.aliases())
        else:
            messages.success(request, _("Projet de PNDS enregistré."))
            return redirect("guidelines:project", project_id=project.public_id)
    return render(request, "guidelines/form.html", {"form": form, "title": project.title})


@require_POST
@login_required
def project_status(request: AuthenticatedRequest, project_id: uuid.UUID) -> HttpResponse:
    project = _project(request, project_id, edit=True)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Étape : choisissez une étape de la liste."))
        return redirect("guidelines:project", project_id=project.public_id)
    try:
        services.project_status_change(
            actor=request.user,
            project=project,
            status=form.cleaned_data["status"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        flash_errors(request, error)
    else:
        messages.success(request, _("Étape enregistrée."))
    return redirect("guidelines:project", project_id=project.public_id)


def _group_page(
    request: AuthenticatedRequest, project: GuidelineProject, group: WorkingGroup | None
) -> HttpResponse:
    initial = GroupForm.initial_of(group) if group is not None else None
    form = GroupForm(_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.group_save(
                actor=request.user, project=project, group=group, **form.service_values()
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Groupe de travail enregistré."))
            return redirect("guidelines:project", project_id=project.public_id)
    title = str(group) if group is not None else _("Nouveau groupe de travail")
    return render(
        request, "guidelines/form.html", {"form": form, "title": title, "project": project}
    )


@login_required
def group_create(request: AuthenticatedRequest, project_id: uuid.UUID) -> HttpResponse:
    return _group_page(request, _project(request, project_id, edit=True), None)


@login_required
def group_edit(
    request: AuthenticatedRequest, project_id: uuid.UUID, group_id: uuid.UUID
) -> HttpResponse:
    project = _project(request, project_id, edit=True)
    return _group_page(request, project, _group(project, group_id))


@login_required
def meeting_add(
    request: AuthenticatedRequest, project_id: uuid.UUID, group_id: uuid.UUID
) -> HttpResponse:
    project = _project(request, project_id, edit=True)
    group = _group(project, group_id)
    form = MeetingForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.group_meeting_add(actor=request.user, group=group, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Réunion enregistrée."))
            return redirect("guidelines:project", project_id=project.public_id)
    title = _("%(group)s : nouvelle réunion") % {"group": group}
    return render(
        request, "guidelines/form.html", {"form": form, "title": title, "project": project}
    )


@login_required
def version_add(request: AuthenticatedRequest, project_id: uuid.UUID) -> HttpResponse:
    project = _project(request, project_id, edit=True)
    form = VersionForm(_data(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.version_add(actor=request.user, project=project, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Version enregistrée."))
            return redirect("guidelines:project", project_id=project.public_id)
    return render(
        request,
        "guidelines/form.html",
        {"form": form, "title": _("Nouvelle version"), "project": project},
    )


# --- The action plan --------------------------------------------------------------------------


@login_required
def plan(request: AuthenticatedRequest) -> HttpResponse:
    _member(request, "plan d'action")
    owners = list(selectors.action_owners())
    chosen = request.GET.get("pilote", "")
    owner = next((user for user in owners if str(user.public_id) == chosen), None)
    return render(
        request,
        "guidelines/plan.html",
        {
            "columns": selectors.board(owner),
            "owners": owners,
            "owner": owner,
            "may_manage": may_manage_guidelines(request.user),
        },
    )


def _action_page(request: AuthenticatedRequest, action: PlanAction | None) -> HttpResponse:
    initial = ActionForm.initial_of(action) if action is not None else None
    form = ActionForm(_data(request), members=selectors.network_members(), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.action_save(actor=request.user, action=action, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, _("Action enregistrée."))
            return redirect("guidelines:plan")
    title = str(action) if action is not None else _("Nouvelle action")
    return render(request, "guidelines/form.html", {"form": form, "title": title})


@login_required
def action_create(request: AuthenticatedRequest) -> HttpResponse:
    _manager(request, "plan d'action : nouvelle action")
    return _action_page(request, None)


@login_required
def action_edit(request: AuthenticatedRequest, action_id: uuid.UUID) -> HttpResponse:
    _manager(request, "plan d'action : action")
    action = PlanAction.objects.filter(public_id=action_id).first()
    if action is None:
        raise Http404
    return _action_page(request, action)
