"""Repository-level test configuration.

Tests that read the real CMS and X12 files find ``../shared`` beside the repository root.
"""

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def shared_dir():
    """The folder of real CMS and X12 files; its absence is a failure, never a skip."""
    if not SHARED.is_dir():
        pytest.fail(f"The shared test vectors are missing: expected them at {SHARED}")
    return SHARED
