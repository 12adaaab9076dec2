"""The model ids offered in the job form; any other id the CLI accepts works too."""

from __future__ import annotations

from podium.agents.registry import ProviderRegistry
from podium.schemas import ApiModel


class ModelInfo(ApiModel):
    id: str
    provider: str
    label: str


def known_models(providers: ProviderRegistry) -> list[ModelInfo]:
    return [
        ModelInfo(id=choice.id, provider=provider.name, label=choice.label)
        for provider in providers
        for choice in provider.known_models
    ]
