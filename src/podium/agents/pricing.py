"""Prices token usage with genai-prices' maintained tables instead of a hand-kept dict."""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

from genai_prices import Usage as PriceUsage
from genai_prices import calc_price
from genai_prices.types import ModelPrice, TieredPrices

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
    _known(normalise_model("sonnet"), "anthropic")


@lru_cache(maxsize=256)
def _known(model: str, provider_id: str) -> bool:
    try:
        calc_price(PriceUsage(input_tokens=1), model_ref=model, provider_id=provider_id)
    except (LookupError, ValueError):
        return False
    return True


def price_usage(
    model: str | None, usage: Usage, *, provider_id: str, input_includes_cache: bool
) -> float | None:
    """Dollar cost of `usage`, or None when the tables do not know the model.

    genai-prices counts cached tokens inside input_tokens; Anthropic reports them apart, OpenAI
    inside, so the caller says which."""
    if not model:
        return None
    ref = normalise_model(model)
    if not _known(ref, provider_id):
        return None
    total_input = usage.input_tokens
    if not input_includes_cache:
        total_input += usage.cache_read_tokens + usage.cache_write_tokens
    # calc_price costs ~90 us a call; the four token prices, looked up once, give the same sum.
    prices = _model_price(ref, provider_id)
    uncached = total_input - usage.cache_read_tokens - usage.cache_write_tokens
    cache_read = prices.cache_read_mtok if prices.cache_read_mtok is not None else prices.input_mtok
    cache_write = (
        prices.cache_write_mtok if prices.cache_write_mtok is not None else prices.input_mtok
    )
    total = (
        _rate(prices.input_mtok, total_input) * uncached
        + _rate(prices.output_mtok, total_input) * usage.output_tokens
        + _rate(cache_read, total_input) * usage.cache_read_tokens
        + _rate(cache_write, total_input) * usage.cache_write_tokens
    )
    return float(total / 1_000_000)


@lru_cache(maxsize=256)
def _model_price(model: str, provider_id: str) -> ModelPrice:
    return calc_price(
        PriceUsage(input_tokens=1), model_ref=model, provider_id=provider_id
    ).model_price


def _rate(price: Decimal | TieredPrices | None, total_input: int) -> Decimal:
    """Tiers are cliffs: past a tier's start, every token pays that tier's rate."""
    if price is None:
        return Decimal(0)
    if isinstance(price, TieredPrices):
        rate = price.base
        for tier in price.tiers:
            if total_input > tier.start:
                rate = tier.price
        return rate
    return price
