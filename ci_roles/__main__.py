"""``python -m ci_roles``: synthesize ``TapVpcCiRoles-<environmentSuffix>`` (see ``ci_roles.app``).

Bad settings end in one error block and exit code 1, as ``app.py`` does (``tap_vpc.entrypoint.synth_app``).
"""

from __future__ import annotations

import sys

from ci_roles.app import build
from tap_vpc.entrypoint import synth_app

sys.exit(synth_app(build))
