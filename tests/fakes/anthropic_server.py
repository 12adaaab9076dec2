"""The scripted Anthropic Messages API; the implementation lives in the product
(``podium.demo.scripted_anthropic``, which ``podium serve --demo`` runs too). This module keeps
the tests' import path and ``python -m tests.fakes.anthropic_server`` working.
"""

from __future__ import annotations

from podium.demo.scripted_anthropic import *  # noqa: F403
from podium.demo.scripted_anthropic import main

if __name__ == "__main__":
    main()
