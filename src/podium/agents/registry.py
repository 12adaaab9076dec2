"""Which provider runs which model id."""

from __future__ import annotations

from collections.abc import Iterator

from podium.agents.providers.base import Provider


class ProviderRegistry:
    def __init__(self, providers: list[Provider]) -> None:
        self._providers = providers

    def __iter__(self) -> Iterator[Provider]:
        return iter(self._providers)

    def for_model(self, model: str | None) -> Provider:
        """The provider that claims the model id, else the catch-all one."""
        for provider in self._providers:
            if not provider.catch_all and provider.handles(model):
                return provider
        for provider in self._providers:
            if provider.catch_all:
                return provider
        raise KeyError(model)

    def by_name(self, name: str) -> Provider:
        for provider in self._providers:
            if provider.name == name:
                return provider
        raise KeyError(name)
