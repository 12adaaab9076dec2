"""Podium's fast pricing path agrees with genai-prices' own calculation."""

from __future__ import annotations

import pytest
from genai_prices import Usage as PriceUsage
from genai_prices import calc_price

from podium.agents.pricing import price_usage
from podium.agents.providers.base import Usage


@pytest.mark.parametrize("model", ["claude-sonnet-4-5", "claude-opus-4-7", "claude-haiku-4-5"])
@pytest.mark.parametrize(
    "usage",
    [Usage(1000, 500, 100, 20), Usage(250_000, 4000, 10_000, 0), Usage(0, 0, 0, 0)],
)
def test_anthropic_prices_match(model: str, usage: Usage) -> None:
    total_input = usage.input_tokens + usage.cache_read_tokens + usage.cache_write_tokens
    expected = calc_price(
        PriceUsage(
            input_tokens=total_input,
            output_tokens=usage.output_tokens,
            cache_read_tokens=usage.cache_read_tokens,
            cache_write_tokens=usage.cache_write_tokens,
        ),
        model_ref=model,
        provider_id="anthropic",
    ).total_price
    ours = price_usage(model, usage, provider_id="anthropic", input_includes_cache=False)
    assert ours == pytest.approx(float(expected), rel=1e-9)


def test_openai_and_unknown_models() -> None:
    usage = Usage(10_000, 2000, 4000, 0)
    expected = calc_price(
        PriceUsage(input_tokens=10_000, output_tokens=2000, cache_read_tokens=4000),
        model_ref="gpt-5.3-codex",
        provider_id="openai",
    ).total_price
    ours = price_usage("gpt-5.3-codex", usage, provider_id="openai", input_includes_cache=True)
    assert ours == pytest.approx(float(expected))
    assert (
        price_usage("no-such-model", usage, provider_id="openai", input_includes_cache=True) is None
    )
    assert price_usage("opus[1m]", usage, provider_id="anthropic", input_includes_cache=False)
