"""Which configurations the docs describe: every profile in cdk.json, plus priced variants.

Each is synthesized through the same cached path as the tests (``tools.project``), with the four
nag packs on, so a documented configuration is always one that ``cdk synth`` accepts.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from tap_vpc.settings.config import TapVpcConfig
from tap_vpc.settings.loading import EPHEMERAL_PROFILE, PROFILES_KEY
from tools.docs.network_model import NetworkModel, read_network
from tools.project import cdk_json_context, config_for, synthesize

#: The suffix that stands for the ephemeral profile (any suffix without a profile of its own).
EPHEMERAL_EXAMPLE_SUFFIX = "pr-42"
#: The profile the diagram and the export snippets show.
DIAGRAM_PROFILE = "prod"


@dataclass(frozen=True)
class DocumentedConfig:
    """A configuration the docs show, by ``name`` (a profile, or a profile plus ``-c`` values)."""

    name: str
    config: TapVpcConfig

    @property
    def network(self) -> NetworkModel:
        """The network its synthesized template describes."""
        return network_of(self.config)


@functools.cache
def network_of(config: TapVpcConfig) -> NetworkModel:
    """The network of ``config``'s synthesized template, read once per process."""
    return read_network(synthesize(config).to_json())


def suffix_for_profile(profile: str) -> str:
    """An environment suffix that selects ``profile``."""
    return EPHEMERAL_EXAMPLE_SUFFIX if profile == EPHEMERAL_PROFILE else profile


def profile_configs() -> list[DocumentedConfig]:
    """One entry per profile in cdk.json's ``tapVpcProfiles``, in file order."""
    return [
        DocumentedConfig(profile, config_for(environmentSuffix=suffix_for_profile(profile)))
        for profile in cdk_json_context()[PROFILES_KEY]
    ]


def cost_variants() -> list[DocumentedConfig]:
    """Non-default settings worth pricing next to the profiles: a single shared NAT gateway."""
    return [DocumentedConfig("dev, natGateways=1", config_for(environmentSuffix="dev", natGateways="1"))]
