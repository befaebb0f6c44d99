"""The caller's union scope, carried with every RPC call the gateway makes.

The gateway puts the caller's scope in the worker context (`union_scope`);
nameko sends context data as message headers, so it reaches the service with
the call, and reaches any service that one calls in turn. The chassis' `rpc`
entrypoint applies it before the method runs (`apply_scope`):

* a method with a `within` parameter gets the caller's scope as `within`,
  whatever the caller passed: a gateway route that forgets `within=` is still
  scoped, and one cannot widen it;
* a method without `within` cannot be limited to an organisation, so only a
  caller whose scope is the whole federation may call it (and anyone may `ping`);
* a call from a public route (`NOBODY`) may only `ping`.

Callers that are not the gateway (tests, tools, other services' own work)
send no scope header, and `within` is taken as they pass it.
"""

from __future__ import annotations

import inspect
from functools import cache
from typing import Any

from services.chassis.errors import Forbidden

CONTEXT_KEY = "union_scope"
HEADER = f"nameko.{CONTEXT_KEY}"
FEDERATION = "*"   # the whole federation: within=None
NOBODY = "-"       # a public route: no caller to scope to
ANYONE_MAY = frozenset({"ping"})


def scope_header_value(scope: str | None) -> str:
    """What the gateway sends for a signed-in caller whose scope is `scope` (None: everything)."""
    return FEDERATION if scope in (None, "") else str(scope)


@cache
def _parameters(method: Any) -> tuple[str, ...]:
    """A method's parameter names, read once: every RPC call the gateway makes passes here."""
    return tuple(inspect.signature(method).parameters)


def apply_scope(method: Any, method_name: str, args: list, kwargs: dict, scope: str) -> tuple[list, dict]:
    """`args` and `kwargs` of an RPC call with `within` set to the caller's scope.

    `method` is the service class's function (with `self`); raises Forbidden when
    the call cannot be limited to the caller's scope.
    """
    if method_name in ANYONE_MAY:
        return args, kwargs
    if scope == NOBODY:
        raise Forbidden(f"{method_name} needs a signed-in caller")
    parameters = _parameters(method)
    if "within" not in parameters:
        if scope == FEDERATION:
            return args, kwargs
        raise Forbidden(f"{method_name} cannot be limited to an organisation")
    within = None if scope == FEDERATION else scope
    position = parameters.index("within") - 1  # without self
    args, kwargs = list(args), dict(kwargs)
    if 0 <= position < len(args):
        args[position] = within
    else:
        kwargs["within"] = within
    return args, kwargs
