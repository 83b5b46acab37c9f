"""Shared fixtures, and how two pytest-xdist workers share the suite without synthesizing a configuration twice.

Each configuration is synthesized once per process (``tools.project.synthesized``). pytest-xdist
runs the suite on two workers (``-n 2 --dist loadgroup`` in pyproject.toml): every test module that
synthesizes through that cache (``SYNTHESIZING``), and every test that takes a synthesized session
fixture, joins the xdist group ``full-synths``, which ``GroupScheduling`` sends to one worker as one
unit, first.
The integration suite is one group too (it deploys once per session). The other worker runs the
rest: the subprocess, static-check and emulator-tool tests. A session fails when two workers
synthesized the same configuration, so a test that synthesizes outside the group is found.
"""

from __future__ import annotations

import functools
import inspect
import json
import os
import shutil
import sys
import tempfile
import types
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from aws_cdk.assertions import Template
from xdist.scheduler import LoadScopeScheduling

from tap_vpc.settings.config import TapVpcConfig
from tests.template_helpers import synthesized_with_paths
from tools.project import ROOT, synthesize, synthesized, synthesized_configs


@pytest.fixture(scope="session")
def default_config() -> TapVpcConfig:
    """The built-in production topology, as ``TapVpcConfig()`` (no profile)."""
    return TapVpcConfig()


@pytest.fixture(scope="session")
def template(default_config: TapVpcConfig) -> Template:
    """Template of the built-in defaults: 3 AZs, NAT per AZ, 365 days, retained data."""
    return synthesize(default_config)


@pytest.fixture(scope="session")
def template_json(template: Template) -> Mapping[str, Any]:
    """The same template as a dict, for walking references."""
    return template.to_json()


@pytest.fixture(scope="session")
def template_with_paths(default_config: TapVpcConfig) -> Mapping[str, Any]:
    """The same template with each resource's ``aws:cdk:path``, as ``cdk synth`` writes it: find by construct path."""
    return synthesized_with_paths(default_config)


#: The xdist group of every test that reads a synthesis shared by the session (a cached one, or a fixture's).
FULL_SYNTHS_GROUP = "full-synths"
#: The xdist group of the integration suite, and where it lives.
INTEGRATION_GROUP = "integration"
INTEGRATION_DIR = Path(__file__).resolve().parent / "integration"
#: The functions that synthesize through the per-process cache (``tools.project.synthesized``): a
#: test that reaches one joins the group. ``synth_app`` and the breach tests' helper build an App of
#: their own each call, share nothing, and so run on either worker.
SYNTHESIZING = (synthesized, synthesize, synthesized_with_paths)
#: Session fixtures that hold a synthesis (this file's, and tests/ci_roles/conftest.py's).
SYNTHESIZED_FIXTURES = frozenset(
    {"template", "template_json", "template_with_paths", "default_config", "roles_template", "direct_template"}
)
#: Where the xdist controller tells its workers to write their tests' groups (a folder).
GROUPS_ENV = "TAP_VPC_XDIST_GROUPS"


def _names(code: types.CodeType) -> set[str]:
    """The global names ``code`` and the functions nested in it use."""
    nested = (const for const in code.co_consts if isinstance(const, types.CodeType))
    return set(code.co_names).union(*(_names(inner) for inner in nested))


def _ours(value: object) -> bool:
    """Whether ``value`` is a function or module of this repository (not of an installed package)."""
    path = getattr(value, "__file__", None) or getattr(getattr(value, "__code__", None), "co_filename", "")
    return str(path).startswith(str(ROOT)) and ".venv" not in str(path)


@functools.cache
def _members_named() -> dict[str, tuple[object, ...]]:
    """Name -> the functions behind every method and property of that name of this repository's classes.

    A call through an object (``item.network``, a property of tools.docs' ``DocumentedConfig``)
    names no global: any of our classes' members of that name may be what it reaches.
    """
    members: dict[str, list[object]] = {}
    for module in list(sys.modules.values()):
        if not isinstance(module, types.ModuleType) or not _ours(module):
            continue
        for kind in vars(module).values():
            if not isinstance(kind, type) or kind.__module__ != module.__name__:
                continue
            for name, member in vars(kind).items():
                function = member.fget if isinstance(member, property) else getattr(member, "__func__", member)
                if isinstance(function, types.FunctionType):
                    members.setdefault(name, []).append(function)
    return {name: tuple(functions) for name, functions in members.items()}


def _synthesizes(function: object, seen: frozenset[object] = frozenset()) -> bool:
    """Whether ``function`` calls a ``SYNTHESIZING`` function, itself or through this repository's functions.

    Follows the names its code uses: a global of its module, an attribute of a module of ours it
    imported (``network_model.build``), and any method or property of that name of a class of ours
    (``item.network``).
    """
    function = inspect.unwrap(function) if callable(function) else function
    code = getattr(function, "__code__", None)
    module = sys.modules.get(getattr(function, "__module__", ""))
    if code is None or module is None or function in seen:
        return False
    names = _names(code)
    found = [vars(module).get(name) for name in names]
    found += [
        getattr(used, name, None)
        for used in found
        if isinstance(used, types.ModuleType) and _ours(used)
        for name in names
    ]
    found += [member for name in names for member in _members_named().get(name, ())]
    for used in found:
        if any(used is synthesizing for synthesizing in SYNTHESIZING):
            return True
        # A cached helper (``functools.cache``) is a wrapper object: its code is the wrapped function's.
        used = inspect.unwrap(used) if callable(used) else used
        if isinstance(used, types.FunctionType) and _ours(used) and _synthesizes(used, seen | {function}):
            return True
    return False


def group_of(item: pytest.Item) -> str | None:
    """The xdist group ``item`` must run in, or None when any worker may run it.

    A test joins ``full-synths`` when it takes a ``SYNTHESIZED_FIXTURES`` fixture, or when it or one
    of its fixtures calls a ``SYNTHESIZING`` function (directly or through its module's helpers);
    a test that takes a module-scoped fixture joins its module's group.
    """
    if INTEGRATION_DIR in item.path.parents:
        return INTEGRATION_GROUP
    fixtures = getattr(item, "_fixtureinfo", None)
    definitions = [d for defs in (fixtures.name2fixturedefs.values() if fixtures else ()) for d in defs]
    functions = [getattr(item, "function", None), *(definition.func for definition in definitions)]
    if SYNTHESIZED_FIXTURES & set(getattr(item, "fixturenames", ())) or any(_synthesizes(f) for f in functions):
        return FULL_SYNTHS_GROUP
    # A module-scoped fixture (a wheel, an emulator, a Parquet file) is built once per worker that
    # runs its module: keeping the module's tests together builds it once per session.
    if any(definition.scope == "module" for definition in definitions):
        return f"module:{item.path.relative_to(ROOT)}"
    return None


def pytest_configure(config: pytest.Config) -> None:
    """In the xdist controller: a folder where each worker writes which of its tests belong to a group."""
    if not hasattr(config, "workerinput") and config.getvalue("dist") == "loadgroup":
        os.environ[GROUPS_ENV] = tempfile.mkdtemp(prefix="tap-vpc-xdist-groups-")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark each test's group (``xdist_group``) and, in an xdist worker, hand the groups to the scheduler.

    pytest-xdist 3.8.0's own loadgroup writes the group into ``item._nodeid``, which pytest 9 no
    longer reads; ``GroupScheduling`` reads the groups from the file each worker writes here instead.
    """
    groups = {}
    for item in items:
        group = group_of(item)
        if group is not None:
            item.add_marker(pytest.mark.xdist_group(group))
            groups[item.nodeid] = group
    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None and GROUPS_ENV in os.environ:
        (Path(os.environ[GROUPS_ENV]) / f"{workerinput['workerid']}.json").write_text(json.dumps(groups))


class GroupScheduling(LoadScopeScheduling):  # type: ignore[misc]  # xdist ships no type information
    """xdist's load scheduling with one unit per group (the rest one test each), the largest unit first."""

    def _split_scope(self, nodeid: str) -> str:
        return self._groups().get(nodeid, nodeid)

    @functools.cache  # noqa: B019 (one scheduler per session; the groups are final once collection is)
    def _groups(self) -> dict[str, str]:
        found: dict[str, str] = {}
        for written in sorted(Path(os.environ[GROUPS_ENV]).glob("*.json")):
            found.update(json.loads(written.read_text()))
        return found


@pytest.hookimpl(optionalhook=True)  # an xdist hook: without xdist (-p no:xdist) it is not called
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> GroupScheduling | None:
    """``--dist loadgroup``: schedule by ``GroupScheduling`` (the largest group starts first)."""
    return GroupScheduling(config, log) if config.getvalue("dist") == "loadgroup" else None


_SKIPPED_INTEGRATION: list[str] = []
#: The stack names each xdist worker synthesized (``pytest_testnodedown``), or this process's: one list each.
_SYNTHESIZED_BY: list[list[str]] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Record integration tests that skipped (an xfail is not a skip)."""
    if report.skipped and "integration" in report.keywords and not hasattr(report, "wasxfail"):
        _SKIPPED_INTEGRATION.append(report.nodeid)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    """Collect what an xdist worker synthesized and skipped: its ``pytest_sessionfinish`` put it in ``workeroutput``."""
    output = getattr(node, "workeroutput", {})
    _SYNTHESIZED_BY.append(list(output.get("synthesized", ())))
    _SKIPPED_INTEGRATION.extend(output.get("skipped_integration", ()))


#: Configurations the integration suite synthesized: what it deployed, checked against the live stacks.
_INTEGRATION_SYNTHS: set[TapVpcConfig] = set()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Any:
    """Note what an integration test synthesizes: it reads what it deployed, not a unit test's synth."""
    before = len(synthesized_configs())
    try:
        return (yield)
    finally:
        if INTEGRATION_DIR in item.path.parents:
            _INTEGRATION_SYNTHS.update(synthesized_configs()[before:])


def _unit_synths() -> list[str]:
    return [repr(config) for config in synthesized_configs() if config not in _INTEGRATION_SYNTHS]


def synthesized_twice(by_process: list[list[str]]) -> list[str]:
    """The configurations that more than one process's list names (each process synthesizes one once)."""
    built = [config for configs in by_process for config in configs]
    return sorted({config for config in built if built.count(config) > 1})


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """A run where integration tests skip, or where two workers synthesized one configuration, fails.

    An xdist worker only hands what it saw to the controller, which decides once every worker is down.
    """
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["synthesized"] = _unit_synths()
        workeroutput["skipped_integration"] = list(_SKIPPED_INTEGRATION)
        return
    _SYNTHESIZED_BY.append(_unit_synths())
    if GROUPS_ENV in os.environ:
        shutil.rmtree(os.environ.pop(GROUPS_ENV), ignore_errors=True)
    twice = synthesized_twice(_SYNTHESIZED_BY)
    if _SKIPPED_INTEGRATION:
        print(f"\nintegration tests skipped, which counts as a failure: {_SKIPPED_INTEGRATION}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
    if twice:
        print(f"\nconfigurations synthesized by two workers (a test outside the {FULL_SYNTHS_GROUP!r} group?):")
        print("\n".join(twice))
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
