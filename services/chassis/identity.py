"""Validation and masking of Chinese identifiers.

Shared by every service and the HTTP gateway, so it stays framework-free.

* Resident identity card numbers (GB 11643-1999, 18 characters).
* Unified social credit codes of organisations (GB 32100-2015, 18 characters).
* Mainland mobile numbers.

The masking helpers exist so that no complete ID number or phone number ends
up in a log line or on a screen that does not need it.
"""

from __future__ import annotations

import re
from datetime import date

__all__ = [
    "CREDIT_CODE_CHARSET",
    "CREDIT_CODE_WEIGHTS",
    "PROVINCE_CODES",
    "RESIDENT_ID_WEIGHTS",
    "InvalidIdentifier",
    "birth_date_of",
    "complete_credit_code",
    "complete_resident_id",
    "credit_code_check_char",
    "mask_identifiers_in_text",
    "mask_mobile",
    "mask_resident_id",
    "resident_id_check_digit",
    "validate_credit_code",
    "validate_mobile",
    "validate_resident_id",
]


class InvalidIdentifier(ValueError):
    """An identifier failed validation; the message is a readable English sentence."""


# --------------------------------------------------------------------------
# Resident identity card numbers
# --------------------------------------------------------------------------

RESIDENT_ID_WEIGHTS: tuple[int, ...] = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_RESIDENT_ID_CHECK_MAP = "10X98765432"

# First two digits: province-level division (mainland, plus 71 Taiwan,
# 81 Hong Kong, 82 Macao and 83 for residence permits of HK/Macao/TW residents).
PROVINCE_CODES: frozenset[str] = frozenset(
    f"{code:02d}"
    for code in (
        *range(11, 16),
        *range(21, 24),
        *range(31, 38),
        *range(41, 47),
        *range(50, 55),
        *range(61, 66),
        71,
        81,
        82,
        83,
    )
)

_EARLIEST_BIRTH_DATE = date(1900, 1, 1)
_FIRST17_RE = re.compile(r"[0-9]{17}")
_RESIDENT_ID_RE = re.compile(r"[0-9]{17}[0-9X]")


def resident_id_check_digit(first17: str) -> str:
    """Return the GB 11643-1999 check character ("0"-"9" or "X") for 17 digits."""
    if not _FIRST17_RE.fullmatch(first17):
        raise InvalidIdentifier("the first 17 characters of a resident ID must be digits")
    total = sum(int(digit) * weight for digit, weight in zip(first17, RESIDENT_ID_WEIGHTS, strict=True))
    return _RESIDENT_ID_CHECK_MAP[total % 11]


def complete_resident_id(first17: str) -> str:
    """Append the check digit to 17 digits (for tests, benchmarks and data generators).

    Only the check digit is computed; province and birth date are not checked.
    """
    return first17 + resident_id_check_digit(first17)


def _parse_birth_date(digits: str) -> date:
    """Parse the YYYYMMDD block of a resident ID."""
    shown = f"{digits[0:4]}-{digits[4:6]}-{digits[6:8]}"
    try:
        return date(int(digits[0:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        raise InvalidIdentifier(f"birth date {shown} is not a real date") from None


def validate_resident_id(value: str, today: date | None = None) -> str:
    """Validate an 18-character resident ID number and return it normalised.

    Normalisation strips surrounding whitespace and upper-cases a trailing x.
    """
    if not isinstance(value, str):
        raise InvalidIdentifier("resident ID number must be a string")
    candidate = value.strip()
    if not candidate:
        raise InvalidIdentifier("resident ID number is empty")
    if len(candidate) != 18:
        raise InvalidIdentifier(f"resident ID number must have 18 characters, not {len(candidate)}")
    if candidate[-1] == "x":
        candidate = candidate[:-1] + "X"
    if not _RESIDENT_ID_RE.fullmatch(candidate):
        raise InvalidIdentifier("resident ID number must be 17 digits followed by a digit or X")
    if candidate[:2] not in PROVINCE_CODES:
        raise InvalidIdentifier(f"province code {candidate[:2]} is not a known region")
    born = _parse_birth_date(candidate[6:14])
    if born < _EARLIEST_BIRTH_DATE:
        raise InvalidIdentifier(f"birth date {born.isoformat()} is before {_EARLIEST_BIRTH_DATE.isoformat()}")
    if born > (today if today is not None else date.today()):
        raise InvalidIdentifier("birth date is in the future")
    expected = resident_id_check_digit(candidate[:17])
    if candidate[17] != expected:
        raise InvalidIdentifier("check digit does not match")
    return candidate


def birth_date_of(resident_id: str) -> date:
    """Return the birth date encoded in positions 7-14 of an 18-character ID.

    Does not verify the check digit; validate first if the input is untrusted.
    """
    candidate = resident_id.strip() if isinstance(resident_id, str) else ""
    if len(candidate) != 18 or not candidate[6:14].isascii() or not candidate[6:14].isdigit():
        raise InvalidIdentifier("resident ID number must have 18 characters with a birth date")
    return _parse_birth_date(candidate[6:14])


# --------------------------------------------------------------------------
# Unified social credit codes
# --------------------------------------------------------------------------

CREDIT_CODE_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS: tuple[int, ...] = (
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
)  # fmt: skip
_CREDIT_CODE_VALUES = {char: index for index, char in enumerate(CREDIT_CODE_CHARSET)}


def credit_code_check_char(first17: str) -> str:
    """Return the GB 32100-2015 check character for the first 17 characters."""
    if len(first17) != 17:
        raise InvalidIdentifier("the body of a credit code must have 17 characters")
    total = 0
    for char, weight in zip(first17, CREDIT_CODE_WEIGHTS, strict=True):
        try:
            total += _CREDIT_CODE_VALUES[char] * weight
        except KeyError:
            raise InvalidIdentifier(f"character {char!r} is not allowed in a credit code") from None
    return CREDIT_CODE_CHARSET[(31 - total % 31) % 31]


def complete_credit_code(first17: str) -> str:
    """Append the check character to a 17-character credit code body."""
    return first17 + credit_code_check_char(first17)


def validate_credit_code(value: str) -> str:
    """Validate a unified social credit code and return it stripped and upper-cased."""
    if not isinstance(value, str):
        raise InvalidIdentifier("credit code must be a string")
    candidate = value.strip().upper()
    if not candidate:
        raise InvalidIdentifier("credit code is empty")
    if len(candidate) != 18:
        raise InvalidIdentifier(f"credit code must have 18 characters, not {len(candidate)}")
    for char in candidate:
        if char not in _CREDIT_CODE_VALUES:
            raise InvalidIdentifier(f"character {char!r} is not allowed in a credit code")
    if candidate[17] != credit_code_check_char(candidate[:17]):
        raise InvalidIdentifier("check character does not match")
    return candidate


# --------------------------------------------------------------------------
# Mobile numbers
# --------------------------------------------------------------------------

_MOBILE_RE = re.compile(r"1[3-9][0-9]{9}")
_MOBILE_SEPARATORS_RE = re.compile(r"[\s\-]+")


def validate_mobile(value: str) -> str:
    """Validate a mainland mobile number and return its 11 digits.

    Spaces and dashes are ignored and a "+86" or "86" country prefix is removed.
    """
    if not isinstance(value, str):
        raise InvalidIdentifier("mobile number must be a string")
    candidate = _MOBILE_SEPARATORS_RE.sub("", value)
    if not candidate:
        raise InvalidIdentifier("mobile number is empty")
    if candidate.startswith("+86"):
        candidate = candidate[3:]
    elif candidate.startswith("86") and len(candidate) == 13:
        candidate = candidate[2:]
    if not _MOBILE_RE.fullmatch(candidate):
        raise InvalidIdentifier("mobile number must be 11 digits starting with 13 to 19")
    return candidate


# --------------------------------------------------------------------------
# Masking
# --------------------------------------------------------------------------


def _mask_generic(value: str, keep_head: int, keep_tail: int) -> str:
    """Keep a head and a tail, star out the middle; star out everything if too short."""
    if len(value) <= keep_head + keep_tail:
        return "*" * len(value)
    return value[:keep_head] + "*" * (len(value) - keep_head - keep_tail) + value[-keep_tail:]


def mask_resident_id(value: str | None) -> str:
    """Mask an ID number for display: "370781199001011234" -> "370781********1234".

    Values that are not 18 characters long keep their first 3 and last 2
    characters; values of 5 characters or fewer are starred out completely.
    """
    if not value:
        return ""
    value = value.strip()
    if len(value) == 18:
        return value[:6] + "********" + value[-4:]
    return _mask_generic(value, 3, 2)


def mask_mobile(value: str | None) -> str:
    """Mask a mobile number for display: "13812345678" -> "138****5678".

    Other lengths keep their first 3 and last 2 characters, like mask_resident_id.
    """
    if not value:
        return ""
    value = value.strip()
    if len(value) == 11:
        return value[:3] + "****" + value[-4:]
    return _mask_generic(value, 3, 2)


# An 18-character ID (17 digits + digit/X) or an 11-digit mobile number, neither
# of them part of a longer run of digits. The ID alternative is tried first so an
# 18-digit run is never half-masked as a phone number.
_IDENTIFIER_IN_TEXT_RE = re.compile(r"(?<![0-9])(?:(?P<id>[0-9]{17}[0-9Xx])|(?P<mobile>1[3-9][0-9]{9}))(?![0-9])")


def _mask_match(match: re.Match[str]) -> str:
    if match.group("id") is not None:
        return mask_resident_id(match.group("id"))
    return mask_mobile(match.group("mobile"))


def mask_identifiers_in_text(text: str) -> str:
    """Mask every resident-ID-like and mobile-like token inside free text.

    Deliberately pattern-based rather than checksum-based: a log line should
    not leak an ID number just because somebody typed it with a wrong check digit.
    """
    if not text:
        return text
    return _IDENTIFIER_IN_TEXT_RE.sub(_mask_match, text)
