"""Cost and tokens per day and per model, each provider apart.

`costUsd` is what the CLI reported (or Podium's running estimate); `pricedUsd` re-prices the same
tokens with genai-prices, so a wrong or missing figure from a CLI stands out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from podium.agents.providers.base import Usage
from podium.agents.registry import ProviderRegistry
from podium.db.engine import Database
from podium.db.tables import agents
from podium.schemas import ApiModel


class UsageRow(ApiModel):
    day: str | None = None
    provider: str
    model: str | None
    runs: int
    input_tokens: int
    output_tokens: int
    cache_read_tokens: int
    cache_write_tokens: int
    cost_usd: float
    priced_usd: float | None


class ProviderTotal(ApiModel):
    runs: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0


class UsageReport(ApiModel):
    since: str
    by_day: list[UsageRow]
    by_model: list[UsageRow]
    totals: dict[str, ProviderTotal]


def usage_report(db: Database, providers: ProviderRegistry, days: int) -> UsageReport:
    since = datetime.now(UTC) - timedelta(days=days)
    day = func.strftime("%Y-%m-%d", agents.c.created_at, "unixepoch")
    columns = (
        agents.c.provider,
        agents.c.model,
        func.count().label("runs"),
        func.sum(agents.c.input_tokens).label("input_tokens"),
        func.sum(agents.c.output_tokens).label("output_tokens"),
        func.sum(agents.c.cache_read_tokens).label("cache_read_tokens"),
        func.sum(agents.c.cache_write_tokens).label("cache_write_tokens"),
        func.sum(agents.c.cost_usd).label("cost_usd"),
    )
    where = agents.c.created_at >= since.timestamp()
    with db.read() as conn:
        daily = (
            conn.execute(
                select(day.label("day"), *columns)
                .where(where)
                .group_by(day, agents.c.provider, agents.c.model)
                .order_by(day)
            )
            .mappings()
            .all()
        )
        per_model = (
            conn.execute(select(*columns).where(where).group_by(agents.c.provider, agents.c.model))
            .mappings()
            .all()
        )

    def row(values: dict[str, object]) -> UsageRow:
        usage = Usage(
            int(values["input_tokens"] or 0),  # type: ignore[call-overload]
            int(values["output_tokens"] or 0),  # type: ignore[call-overload]
            int(values["cache_read_tokens"] or 0),  # type: ignore[call-overload]
            int(values["cache_write_tokens"] or 0),  # type: ignore[call-overload]
        )
        provider = str(values["provider"])
        model = values["model"]
        try:
            priced = providers.by_name(provider).price(str(model) if model else None, usage)
        except KeyError:
            priced = None
        return UsageRow(
            day=values.get("day"),
            provider=provider,
            model=str(model) if model else None,
            runs=int(values["runs"]),  # type: ignore[call-overload]
            input_tokens=usage.input_tokens,
            output_tokens=usage.output_tokens,
            cache_read_tokens=usage.cache_read_tokens,
            cache_write_tokens=usage.cache_write_tokens,
            cost_usd=float(values["cost_usd"] or 0.0),  # type: ignore[arg-type]
            priced_usd=priced,
        )

    by_model = [row(dict(values)) for values in per_model]
    # Every provider has a bucket, used or not, so the dashboard's totals keep their shape.
    totals: dict[str, ProviderTotal] = {provider.name: ProviderTotal() for provider in providers}
    for item in by_model:
        total = totals.setdefault(item.provider, ProviderTotal())
        total.runs += item.runs
        total.input_tokens += item.input_tokens
        total.output_tokens += item.output_tokens
        total.cost_usd += item.cost_usd
    return UsageReport(
        since=since.date().isoformat(),
        by_day=[row(dict(values)) for values in daily],
        by_model=by_model,
        totals=totals,
    )
