"""The gateway's routes come from several mixins; a method name used twice silently hides a route."""

from __future__ import annotations

from gateway.http import Api
from gateway.service import GatewayService


def test_no_route_method_is_shadowed_by_another_area():
    """Each route method name is defined by one base only: a second one would replace it in the MRO
    (e.g. welfare's and rights' `get_case` made GET /dispute-cases/<id> a 405 after the merge)."""
    owners: dict[str, list[str]] = {}
    for base in GatewayService.__mro__[1:]:
        for name, member in vars(base).items():
            if any(isinstance(e, Api) for e in getattr(member, "nameko_entrypoints", ())):
                owners.setdefault(name, []).append(base.__name__)
    clashes = {name: bases for name, bases in owners.items() if len(bases) > 1}
    assert not clashes, f"route methods defined by more than one mixin: {clashes}"



def test_each_schema_of_the_document_has_a_name_of_its_own():
    """Two areas' schemas of one class name would be renamed Entry1, Objection1... in /openapi.json."""
    import warnings

    from gateway.openapi import build_spec

    routes = [e for base in GatewayService.__mro__ for member in vars(base).values()
              for e in getattr(member, "nameko_entrypoints", ()) if isinstance(e, Api)]
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message="Multiple schemas resolved to the name")
        build_spec(routes)
