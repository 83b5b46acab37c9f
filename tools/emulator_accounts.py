"""How the patched moto server tells accounts apart: the access key names the account.

Standard library only: the emulator's clients need this, and they must not pay for importing moto.
"""

from __future__ import annotations

import re

#: ``EMULATOR<12-digit account>``: the dummy access key of an emulator account.
ACCESS_KEY = re.compile(r"EMULATOR([0-9]{12})")


def access_key_for(account: str) -> str:
    """The dummy access key that makes the patched server act in ``account``."""
    return f"EMULATOR{account}"


def account_of(access_key: str) -> str | None:
    """The account an emulator access key names, or None for any other key."""
    match = ACCESS_KEY.fullmatch(access_key)
    return match.group(1) if match else None
