"""How tests/conftest.py picks the tests that share the session's synths, and when a session fails for a second synth."""

from __future__ import annotations

import functools
from typing import Any

from tap_vpc.entrypoint import synth_app
from tap_vpc.settings.config import TapVpcConfig
from tests import template_helpers
from tests.conftest import _synthesizes, synthesized_twice
from tools import project
from tools.project import synthesized


def reads_the_cache() -> Any:
    return synthesized(TapVpcConfig())


def through_a_helper_of_this_module() -> Any:
    return reads_the_cache()


def through_a_module_of_ours() -> Any:
    return project.synthesize(TapVpcConfig()), template_helpers.synthesized_with_paths(TapVpcConfig())


@functools.cache
def through_a_cached_helper() -> Any:
    return reads_the_cache()


class Documented:
    @property
    def template_of_the_probe(self) -> Any:
        return reads_the_cache()


def through_a_property_of_a_class_of_ours(documented: Any) -> Any:
    return documented.template_of_the_probe


def in_a_nested_function() -> Any:
    def later() -> Any:
        return synthesized(TapVpcConfig())

    return later


def with_an_app_of_its_own() -> Any:
    return synth_app


def with_nothing() -> Any:
    return TapVpcConfig()


def test_a_function_that_reaches_the_synth_cache_joins_the_group() -> None:
    assert _synthesizes(reads_the_cache)
    assert _synthesizes(through_a_helper_of_this_module)
    assert _synthesizes(through_a_module_of_ours)
    assert _synthesizes(in_a_nested_function)
    assert _synthesizes(through_a_property_of_a_class_of_ours)
    assert _synthesizes(through_a_cached_helper)
    assert _synthesizes(lambda: through_a_cached_helper())


def test_a_function_with_an_app_of_its_own_or_none_runs_anywhere() -> None:
    assert not _synthesizes(with_an_app_of_its_own)
    assert not _synthesizes(with_nothing)


def test_a_configuration_two_workers_synthesized_is_named_once() -> None:
    assert synthesized_twice([["dev", "prod"], ["uat", "dev"], []]) == ["dev"]
    assert synthesized_twice([["dev", "prod"], ["uat"]]) == []
