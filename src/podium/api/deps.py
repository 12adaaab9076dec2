"""FastAPI dependencies: the services, typed with Annotated so routes stay one-liners."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from podium.agents.service import AgentService
from podium.appsettings.service import AppSettingsService
from podium.jobs.service import JobService
from podium.projects.service import ProjectService, TemplateService
from podium.services import Services


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


def _jobs(services: ServicesDep) -> JobService:
    return services.jobs


def _agents(services: ServicesDep) -> AgentService:
    return services.agents


def _app_settings(services: ServicesDep) -> AppSettingsService:
    return services.app_settings


def _projects(services: ServicesDep) -> ProjectService:
    return services.projects


def _templates(services: ServicesDep) -> TemplateService:
    return services.templates


JobsDep = Annotated[JobService, Depends(_jobs)]
AgentsDep = Annotated[AgentService, Depends(_agents)]
AppSettingsDep = Annotated[AppSettingsService, Depends(_app_settings)]
ProjectsDep = Annotated[ProjectService, Depends(_projects)]
TemplatesDep = Annotated[TemplateService, Depends(_templates)]
