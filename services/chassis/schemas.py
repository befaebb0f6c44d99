"""marshmallow pieces every service and the gateway share.

`load()` turns marshmallow's messages into `InvalidInput` with one entry per
field (nested fields as `employer.credit_code`), so every layer reports bad
input the same way. The identifier fields validate with `identity`.
"""

from __future__ import annotations

from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields

from services.chassis import identity
from services.chassis.errors import InvalidInput


class StrictSchema(Schema):
    """Unknown fields are an error, never silently dropped."""

    class Meta:
        unknown = RAISE


def flatten_errors(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    flat: dict[str, list[str]] = {}
    if isinstance(messages, dict):
        for key, value in messages.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if isinstance(value, dict):
                flat.update(flatten_errors(value, name))
            else:
                items = value if isinstance(value, list) else [value]
                flat[name] = [_unknown_field(str(m)) for m in items]
    else:
        flat[prefix or "_schema"] = [str(m) for m in (messages if isinstance(messages, list) else [messages])]
    return flat


def _unknown_field(message: str) -> str:
    return "unknown field" if message == "Unknown field." else message


_instances: dict[type[Schema], Schema] = {}


def schema_instance(schema_class: type[Schema]) -> Schema:
    """One instance per schema class: building a marshmallow schema costs more than loading with it."""
    instance = _instances.get(schema_class)
    if instance is None:
        instance = _instances[schema_class] = schema_class()
    return instance


def load(schema: Schema | type[Schema], data: Any, **kwargs: Any) -> Any:
    """Load `data` with `schema` (a class or an instance), raising `InvalidInput` by field."""
    if isinstance(schema, type):
        schema = schema_instance(schema)
    if data is None or (not isinstance(data, dict) and not kwargs.get("many")):
        raise InvalidInput("the request body must be a JSON object", {"_body": ["must be a JSON object"]})
    try:
        return schema.load(data, **kwargs)
    except ValidationError as exc:
        errors = flatten_errors(exc.messages)
        first = next(iter(errors.items()))
        raise InvalidInput(f"{first[0]}: {first[1][0]}", errors) from None


class _IdentifierField(fields.String):
    validator_fn = staticmethod(lambda value: value)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            return type(self).validator_fn(text)
        except identity.InvalidIdentifier as exc:
            raise ValidationError(str(exc)) from None


class ResidentId(_IdentifierField):
    """An 18-character resident ID number with a correct GB 11643 check digit."""

    validator_fn = staticmethod(identity.validate_resident_id)


class CreditCode(_IdentifierField):
    """A unified social credit code with a correct GB 32100 check character."""

    validator_fn = staticmethod(identity.validate_credit_code)


class Mobile(_IdentifierField):
    """A mainland mobile number (11 digits, starting 13-19)."""

    validator_fn = staticmethod(identity.validate_mobile)


class IdField(fields.Integer):
    """Ids are strings in the API and integers inside; accept both, show strings."""

    def __init__(self, **kwargs: Any):
        super().__init__(strict=False, **kwargs)

    def _serialize(self, value: Any, attr: Any, obj: Any, **kwargs: Any) -> str | None:
        return None if value is None else str(value)

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> int:
        if isinstance(value, bool):
            raise self.make_error("invalid")
        number = super()._deserialize(value, attr, data, **kwargs)
        if number <= 0 or number >= 2**63:
            raise ValidationError("not a valid id")
        return number
