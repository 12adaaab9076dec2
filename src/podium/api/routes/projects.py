"""/api/projects and /api/templates."""

from __future__ import annotations

from fastapi import APIRouter, status

from podium.api.deps import ProjectsDep, TemplatesDep
from podium.projects.service import (
    Project,
    ProjectCreate,
    Template,
    TemplateCreate,
    TemplatePatch,
)

router = APIRouter(tags=["projects"])


@router.get("/api/projects")
async def list_projects(projects: ProjectsDep) -> list[Project]:
    return projects.list()


@router.post("/api/projects", status_code=status.HTTP_201_CREATED)
async def create_project(body: ProjectCreate, projects: ProjectsDep) -> Project:
    return projects.create(body)


@router.get("/api/projects/{project_id}")
async def get_project(project_id: str, projects: ProjectsDep) -> Project:
    return projects.get(project_id)


@router.patch("/api/projects/{project_id}")
async def rename_project(project_id: str, body: ProjectCreate, projects: ProjectsDep) -> Project:
    return projects.rename(project_id, body)


@router.delete("/api/projects/{project_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_project(project_id: str, projects: ProjectsDep) -> None:
    projects.delete(project_id)


@router.get("/api/templates")
async def list_templates(templates: TemplatesDep) -> list[Template]:
    return templates.list()


@router.post("/api/templates", status_code=status.HTTP_201_CREATED)
async def create_template(body: TemplateCreate, templates: TemplatesDep) -> Template:
    return templates.create(body)


@router.get("/api/templates/{template_id}")
async def get_template(template_id: str, templates: TemplatesDep) -> Template:
    return templates.get(template_id)


@router.patch("/api/templates/{template_id}")
async def update_template(
    template_id: str, body: TemplatePatch, templates: TemplatesDep
) -> Template:
    return templates.update(template_id, body)


@router.delete("/api/templates/{template_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_template(template_id: str, templates: TemplatesDep) -> None:
    templates.delete(template_id)
