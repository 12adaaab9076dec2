"""Which provider runs which model id."""

from __future__ import annotations

from podium.agents.providers.base import Provider


class ProviderRegistry:
    def __init__(self, providers: list[Provider]) -> None:
        self._providers = providers

    def for_model(self, model: str | None) -> Provider:
        for provider in self._providers:
            if provider.name != "claude" and provider.handles(model):
                return provider
        return self.by_name("claude")

    def by_name(self, name: str) -> Provider:
        for provider in self._providers:
            if provider.name == name:
                return provider
        raise KeyError(name)
