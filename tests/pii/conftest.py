"""Fixtures for the PII engine tests: one CallRedactor (GiNZA loads once) for the session."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def call_redactor():
    from redactor.pii import CallRedactor

    return CallRedactor.load()
