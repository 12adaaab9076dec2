"""Prices token usage with genai-prices' maintained tables instead of a hand-kept dict."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache

from genai_prices import Usage as PriceUsage
from genai_prices import calc_price
from genai_prices.types import TieredPrices

from podium.agents.providers.base import Usage

# Claude Code accepts aliases and context-size suffixes the price tables do not know.
_CLAUDE_ALIASES = {
    "sonnet": "claude-sonnet-4-5",
    "opus": "claude-opus-4-1",
    "haiku": "claude-haiku-4-5",
}


def normalise_model(model: str) -> str:
    model = re.sub(r"\[[^\]]*\]$", "", model.strip())
    return _CLAUDE_ALIASES.get(model, model)


def warm() -> None:
    """Load the price tables now: their first use imports a large module, which would otherwise
    stall the event loop while the first agents stream."""
    _rates("sonnet", "anthropic")


# (tier start, $/Mtok) cliffs in ascending order; the first applies from zero input tokens.
Tiers = tuple[tuple[int, float], ...]


@dataclass(frozen=True, slots=True)
class _Rates:
    input: Tiers
    output: Tiers
    cache_read: Tiers
    cache_write: Tiers


def _tiers(price: Decimal | TieredPrices | None) -> Tiers:
    if price is None:
        return ((0, 0.0),)
    if isinstance(price, TieredPrices):
        return ((0, float(price.base)), *((t.start, float(t.price)) for t in price.tiers))
    return ((0, float(price)),)


@lru_cache(maxsize=256)
def _rates(model: str, provider_id: str) -> _Rates | None:
    """A model's prices as floats, looked up once: calc_price costs ~90 us a call, and every
    model response of every agent is priced."""
    try:
        price = calc_price(
            PriceUsage(input_tokens=1), model_ref=normalise_model(model), provider_id=provider_id
        ).model_price
    except (LookupError, ValueError):
        return None
    return _Rates(
        input=_tiers(price.input_mtok),
        output=_tiers(price.output_mtok),
        cache_read=_tiers(
            price.cache_read_mtok if price.cache_read_mtok is not None else price.input_mtok
        ),
        cache_write=_tiers(
            price.cache_write_mtok if price.cache_write_mtok is not None else price.input_mtok
        ),
    )


def _rate(tiers: Tiers, total_input: int) -> float:
    """Tiers are cliffs: past a tier's start, every token pays that tier's rate."""
    rate = tiers[0][1]
    for start, price in tiers[1:]:
        if total_input > start:
            rate = price
    return rate


def price_usage(
    model: str | None, usage: Usage, *, provider_id: str, input_includes_cache: bool
) -> float | None:
    """Dollar cost of `usage`, or None when the tables do not know the model.

    genai-prices counts cached tokens inside input_tokens; Anthropic reports them apart, OpenAI
    inside, so the caller says which."""
    rates = _rates(model, provider_id) if model else None
    if rates is None:
        return None
    total_input = usage.input_tokens
    if not input_includes_cache:
        total_input += usage.cache_read_tokens + usage.cache_write_tokens
    uncached = total_input - usage.cache_read_tokens - usage.cache_write_tokens
    total = (
        _rate(rates.input, total_input) * uncached
        + _rate(rates.output, total_input) * usage.output_tokens
        + _rate(rates.cache_read, total_input) * usage.cache_read_tokens
        + _rate(rates.cache_write, total_input) * usage.cache_write_tokens
    )
    return total / 1_000_000
