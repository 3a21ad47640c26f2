"""Test-wide settings: hypothesis runs derandomized in CI, so a landing never depends on luck.

Locally the examples are random (and more can be asked for with HYPOTHESIS_PROFILE=deep), which
is how new corner cases are found; each one found becomes a fixed `@example` or a fixture.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, print_blob=True)
settings.register_profile("dev", print_blob=True)
settings.register_profile("deep", max_examples=5000, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))
