"""The settings table as Markdown, from ``tap_vpc.settings.loading.SETTINGS`` and the profiles' configs.

The value shown is what ``cdk synth`` uses for each profile (built-in default, then profile, then
cdk.json's own keys), read from the config it builds, so the table cannot drift from the code.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import Enum

from tap_vpc.settings.loading import SETTINGS
from tools.docs.documented_configs import DocumentedConfig


def setting_value(value: object) -> str:
    """How a config value is written on the command line (``-c key=value``)."""
    if value is None or value == ():
        return "unset"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, tuple):
        return ",".join("=".join(item) if isinstance(item, tuple) else str(item) for item in value)
    return str(value)


def settings_markdown(profiles: Sequence[DocumentedConfig]) -> str:
    """One row per context key: its value (per profile where they differ), what it allows and means."""
    rows = ["| Key | Value | Allowed | Meaning |", "| --- | --- | --- | --- |"]
    for setting in SETTINGS:
        values = {profile.name: setting_value(getattr(profile.config, setting.field)) for profile in profiles}
        if len(set(values.values())) == 1:
            shown = f"`{next(iter(values.values()))}`"
        else:
            shown = "<br>".join(f"{name}: `{value}`" for name, value in values.items())
        rows.append(f"| `{setting.key}` | {shown} | {_escape(setting.allowed)} | {_escape(setting.description)} |")
    return "\n".join(rows) + "\n"


def _escape(text: str) -> str:
    """Keep ``|`` from ending a table cell."""
    return text.replace("|", "\\|")
