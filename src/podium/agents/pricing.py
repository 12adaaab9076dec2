"""Prices token usage with genai-prices' maintained tables instead of a hand-kept dict."""

from __future__ import annotations

import re
from functools import lru_cache

from genai_prices import Usage as PriceUsage
from genai_prices import calc_price

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
    price = calc_price(
        PriceUsage(
            input_tokens=total_input,
            output_tokens=usage.output_tokens,
            cache_read_tokens=usage.cache_read_tokens,
            cache_write_tokens=usage.cache_write_tokens,
        ),
        model_ref=ref,
        provider_id=provider_id,
    )
    return float(price.total_price)
