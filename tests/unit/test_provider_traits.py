"""Providers are asked for traits, never tested by name outside their package."""

from __future__ import annotations

import re
from pathlib import Path

from podium.agents.models import known_models
from podium.agents.providers.builtin import builtin
from podium.agents.registry import ProviderRegistry
from podium.config import Settings
from tests.support.fake_provider import FakeProvider

SRC = Path(__file__).resolve().parents[2] / "src" / "podium"
NAMES = re.compile(r"""["'](claude|codex)["']""")
# Settings declare each CLI's binary by its name; demo code scripts a Claude model's replies.
ALLOWED = {SRC / "config.py"}


def test_no_provider_name_is_tested_outside_the_providers_package() -> None:
    found = []
    for path in SRC.rglob("*.py"):
        if path in ALLOWED or (SRC / "agents" / "providers") in path.parents:
            continue
        if SRC / "demo" in path.parents:
            continue
        for number, line in enumerate(path.read_text().splitlines(), 1):
            if NAMES.search(line):
                found.append(f"{path.relative_to(SRC)}:{number}: {line.strip()}")
    assert not found, "\n".join(found)


def test_models_go_to_the_provider_that_claims_them_else_the_catch_all() -> None:
    settings = Settings()
    registry = ProviderRegistry(builtin(settings))
    assert registry.for_model("codex-gpt-5.5").name == "codex"
    assert registry.for_model("o3").name == "codex"
    assert registry.for_model("sonnet").name == "claude"
    assert registry.for_model(None).name == "claude"
    assert registry.by_name("codex").needs_lock_audit
    assert not registry.by_name("claude").needs_lock_audit
    assert not registry.by_name("codex").enforces_turn_cap
    assert registry.by_name("claude").enforces_turn_cap


def test_a_third_provider_is_one_class_and_a_registration() -> None:
    class Gemini(FakeProvider):
        name = "gemini"
        catch_all = False

        def handles(self, model: str | None) -> bool:
            return model is not None and model.startswith("gemini-")

    registry = ProviderRegistry([*builtin(Settings()), Gemini()])
    assert registry.for_model("gemini-2.5-pro").name == "gemini"
    assert registry.for_model("sonnet").name == "claude"
    offered = {(m.provider, m.id) for m in known_models(registry)}
    assert ("gemini", "fake") in offered and ("codex", "codex") in offered


def test_plain_codex_defaults_to_a_model_that_gets_tools() -> None:
    codex = ProviderRegistry(builtin(Settings())).by_name("codex")
    assert getattr(codex, "default_model", None) == "gpt-5.3-codex"
