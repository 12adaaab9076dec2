"""Projects and templates: small CRUD services shared by REST and MCP."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import field_validator
from pydantic.json_schema import SkipJsonSchema
from sqlalchemy import Connection, Table, delete, func, select, update
from sqlalchemy.exc import IntegrityError

from podium.db.engine import Database
from podium.db.tables import jobs, projects, templates
from podium.errors import Conflict, NotFound
from podium.events import EventBus, IdRef, Message
from podium.ids import new_id, now, to_datetime
from podium.schemas import ApiModel, Name, PathText, Text, reject_null


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be empty")
    return value.strip()


class ProjectCreate(ApiModel):
    name: Name
    _name = field_validator("name")(_not_blank)


class Project(ApiModel):
    id: str
    name: str
    created_at: Any
    job_count: int = 0


class TemplateCreate(ApiModel):
    name: Name
    content: Text
    model: Name | None = None
    work_dir: PathText | None = None
    _name = field_validator("name", "content")(_not_blank)


class TemplatePatch(ApiModel):
    """A field left out stays as it is; model and workDir may be cleared with null."""

    name: Name | SkipJsonSchema[None] = None
    content: Text | SkipJsonSchema[None] = None
    model: Name | None = None
    work_dir: PathText | None = None
    _not_null = field_validator("name", "content", mode="before")(reject_null)


class Template(ApiModel):
    id: str
    name: str
    content: str
    model: str | None
    work_dir: str | None
    created_at: Any


class ProjectUpdated(Message):
    type: Literal["project.updated"] = "project.updated"
    data: Project


class ProjectDeleted(Message):
    type: Literal["project.deleted"] = "project.deleted"
    data: IdRef


class TemplateUpdated(Message):
    type: Literal["template.updated"] = "template.updated"
    data: Template


class TemplateDeleted(Message):
    type: Literal["template.deleted"] = "template.deleted"
    data: IdRef


class ProjectService:
    def __init__(self, db: Database, bus: EventBus) -> None:
        self._db = db
        self._bus = bus

    def list(self) -> list[Project]:
        counts = (
            select(jobs.c.project_id, func.count().label("n"))
            .group_by(jobs.c.project_id)
            .subquery()
        )
        query = (
            select(projects, func.coalesce(counts.c.n, 0).label("job_count"))
            .outerjoin(counts, counts.c.project_id == projects.c.id)
            .order_by(projects.c.created_at)
        )
        with self._db.read() as conn:
            rows = conn.execute(query).mappings().all()
        return [self._schema(row) for row in rows]

    def get(self, project_id: str) -> Project:
        with self._db.read() as conn:
            return self._schema(_require(conn, projects, project_id, "project"))

    def create(self, body: ProjectCreate) -> Project:
        values = {"id": new_id("prj"), "name": body.name, "created_at": now()}
        try:
            with self._db.write() as conn:
                conn.execute(projects.insert().values(**values))
        except IntegrityError as exc:
            raise Conflict(f"a project named {body.name!r} exists", field="name") from exc
        project = self.get(str(values["id"]))
        self._bus.publish(ProjectUpdated(data=project))
        return project

    def rename(self, project_id: str, body: ProjectCreate) -> Project:
        try:
            with self._db.write() as conn:
                _require(conn, projects, project_id, "project")
                conn.execute(
                    update(projects).where(projects.c.id == project_id).values(name=body.name)
                )
        except IntegrityError as exc:
            raise Conflict(f"a project named {body.name!r} exists", field="name") from exc
        project = self.get(project_id)
        self._bus.publish(ProjectUpdated(data=project))
        return project

    def delete(self, project_id: str) -> None:
        """Deleting a project keeps its jobs; they return to the default view."""
        with self._db.write() as conn:
            _require(conn, projects, project_id, "project")
            conn.execute(delete(projects).where(projects.c.id == project_id))
        self._bus.publish(ProjectDeleted(data=IdRef(id=project_id)))

    @staticmethod
    def _schema(row: Any) -> Project:
        return Project(
            id=row["id"],
            name=row["name"],
            created_at=to_datetime(row["created_at"]),
            job_count=int(row.get("job_count", 0) or 0),
        )


class TemplateService:
    def __init__(self, db: Database, bus: EventBus) -> None:
        self._db = db
        self._bus = bus

    def list(self) -> list[Template]:
        with self._db.read() as conn:
            rows = conn.execute(select(templates).order_by(templates.c.name)).mappings().all()
        return [self._schema(row) for row in rows]

    def get(self, template_id: str) -> Template:
        with self._db.read() as conn:
            return self._schema(_require(conn, templates, template_id, "template"))

    def create(self, body: TemplateCreate) -> Template:
        values = body.model_dump() | {"id": new_id("tpl"), "created_at": now()}
        try:
            with self._db.write() as conn:
                conn.execute(templates.insert().values(**values))
        except IntegrityError as exc:
            raise Conflict(f"a template named {body.name!r} exists", field="name") from exc
        return self._published(self.get(str(values["id"])))

    def update(self, template_id: str, body: TemplatePatch) -> Template:
        changes = body.model_dump(exclude_unset=True)
        try:
            with self._db.write() as conn:
                _require(conn, templates, template_id, "template")
                if changes:
                    conn.execute(
                        update(templates).where(templates.c.id == template_id).values(**changes)
                    )
        except IntegrityError as exc:
            raise Conflict("a template with that name exists", field="name") from exc
        return self._published(self.get(template_id))

    def delete(self, template_id: str) -> None:
        with self._db.write() as conn:
            _require(conn, templates, template_id, "template")
            conn.execute(delete(templates).where(templates.c.id == template_id))
        self._bus.publish(TemplateDeleted(data=IdRef(id=template_id)))

    def _published(self, template: Template) -> Template:
        """Open dashboards refresh their template lists on `template.*` events."""
        self._bus.publish(TemplateUpdated(data=template))
        return template

    @staticmethod
    def _schema(row: Any) -> Template:
        return Template(
            id=row["id"],
            name=row["name"],
            content=row["content"],
            model=row["model"],
            work_dir=row["work_dir"],
            created_at=to_datetime(row["created_at"]),
        )


def _require(conn: Connection, table: Table, row_id: str, what: str) -> Any:
    row = conn.execute(select(table).where(table.c.id == row_id)).mappings().first()
    if row is None:
        raise NotFound(f"{what} {row_id} not found")
    return row
