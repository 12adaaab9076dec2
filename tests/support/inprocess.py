"""The in-process tier's harness: the real `Services` (job service, dispatcher, lifecycle,
runner, stream ingest, coordination) on a real SQLite file, with a `FakeProvider` and a
`FakeProcessHost` in place of the agent CLIs. No process is spawned and no port is opened, so a
test runs in well under a second and drives every step of an agent run itself."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from podium.config import Settings
from podium.jobs.schemas import Job, JobCreate
from podium.services import Services
from tests.support.fake_host import FakeProcessHost
from tests.support.fake_provider import FakeProvider

T = TypeVar("T")
WAIT_SEC = 10.0


@dataclass
class Harness:
    services: Services
    host: FakeProcessHost
    provider: FakeProvider
    work_dir: Path

    def create(self, description: str = "do the thing", **body: Any) -> Job:
        body.setdefault("work_dir", str(self.work_dir))
        return self.services.jobs.create(JobCreate(description=description, **body))

    def job(self, job_id: str) -> Job:
        return self.services.jobs.get(job_id)

    def jobs(self) -> list[Job]:
        listed, _ = self.services.jobs.list()
        return listed

    async def until(
        self,
        check: Callable[[], T | None],
        what: str,
        timeout: float = WAIT_SEC,  # noqa: ASYNC109
    ) -> T:
        """`check()` once it is truthy; looked at again after every event the services publish
        (every status change is published), never on a timer."""
        import asyncio

        subscription = self.services.bus.subscribe()
        try:
            async with asyncio.timeout(timeout):
                while True:
                    value = check()
                    if value:
                        return value
                    await subscription.get()
                    while not subscription.queue.empty():
                        subscription.queue.get_nowait()
        except TimeoutError:
            raise AssertionError(f"timed out waiting for {what}") from None
        finally:
            subscription.close()

    async def status(self, job_id: str, *statuses: str) -> Job:
        """The job once its status is one of `statuses`."""

        def check() -> Job | None:
            job = self.job(job_id)
            return job if job.status in statuses else None

        return await self.until(check, f"job {job_id} to be {'/'.join(statuses)}")


def settings_for(tmp_path: Path, **values: Any) -> Settings:
    """Settings of a throwaway server: its own data dir, no model classification."""
    base: dict[str, Any] = {
        "PODIUM_DATA_DIR": tmp_path / "data",
        "PODIUM_AUTO_MODEL": False,
        "ANTHROPIC_API_KEY": None,
        "MAX_CONCURRENT_AGENTS": 20,
        "AUTH_TOKEN": None,
        "KILL_GRACE_SEC": 0.2,
    }
    return Settings(**(base | values))


@asynccontextmanager
async def running_services(
    tmp_path: Path, work_dir: Path, **settings: Any
) -> AsyncIterator[Harness]:
    host = FakeProcessHost()
    provider = FakeProvider()
    services = Services.build(
        settings_for(tmp_path, **settings), providers_override=[provider], process_host=host
    )
    await services.start()
    try:
        yield Harness(services, host, provider, work_dir)
    finally:
        for agent in host.live():
            agent.exit(0)
        await services.close()
