"""Unit tests for services.chassis.identity."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from services.chassis.identity import (
    CREDIT_CODE_CHARSET,
    PROVINCE_CODES,
    InvalidIdentifier,
    birth_date_of,
    complete_credit_code,
    complete_resident_id,
    credit_code_check_char,
    mask_identifiers_in_text,
    mask_mobile,
    mask_resident_id,
    resident_id_check_digit,
    validate_credit_code,
    validate_mobile,
    validate_resident_id,
)

TODAY = date(2024, 6, 1)

# Check characters verified by hand against the GB 11643 weights.
KNOWN_GOOD = [
    "11010519491231002X",  # the GB 11643 example, check character X
    "110101199003077459",
]

# --------------------------------------------------------------------------
# Resident ID numbers
# --------------------------------------------------------------------------


def test_check_digit_matches_published_examples() -> None:
    assert resident_id_check_digit("11010519491231002") == "X"
    assert resident_id_check_digit("11010119900307745") == "9"


@pytest.mark.parametrize("value", KNOWN_GOOD)
def test_known_good_ids_validate(value: str) -> None:
    assert validate_resident_id(value, today=TODAY) == value


@pytest.mark.parametrize(
    "first17",
    ["37078119900101123", "11010520000229001", "65010219000101999", "83000019850615000", "81000020240601000"],
)
def test_completed_ids_validate(first17: str) -> None:
    value = complete_resident_id(first17)
    assert len(value) == 18
    assert validate_resident_id(value, today=TODAY) == value


def test_every_wrong_check_character_is_rejected() -> None:
    value = complete_resident_id("37078119900101123")
    for char in "0123456789X":
        if char == value[-1]:
            continue
        with pytest.raises(InvalidIdentifier, match="check digit does not match"):
            validate_resident_id(value[:17] + char, today=TODAY)


def test_lowercase_x_is_accepted_and_normalised() -> None:
    assert validate_resident_id("11010519491231002x", today=TODAY) == "11010519491231002X"


def test_whitespace_is_stripped() -> None:
    value = complete_resident_id("37078119900101123")
    assert validate_resident_id(f"  {value}\n", today=TODAY) == value


@pytest.mark.parametrize(
    ("first17", "message"),
    [
        ("37078119900230123", "birth date 1990-02-30 is not a real date"),
        ("37078119901301123", "birth date 1990-13-01 is not a real date"),
        ("37078120310230123", "birth date 2031-02-30 is not a real date"),
        ("37078119000229123", "birth date 1900-02-29 is not a real date"),  # 1900 was not a leap year
        ("37078120240602123", "birth date is in the future"),
        ("37078118991231123", "birth date 1899-12-31 is before 1900-01-01"),
    ],
)
def test_bad_birth_dates_are_rejected(first17: str, message: str) -> None:
    with pytest.raises(InvalidIdentifier) as excinfo:
        validate_resident_id(complete_resident_id(first17), today=TODAY)
    assert str(excinfo.value) == message


def test_birth_date_today_is_accepted() -> None:
    value = complete_resident_id("37078120240601123")
    assert validate_resident_id(value, today=TODAY) == value


def test_today_defaults_to_the_real_date() -> None:
    future = complete_resident_id("37078129990101123")
    with pytest.raises(InvalidIdentifier, match="future"):
        validate_resident_id(future)


@pytest.mark.parametrize(
    "province", ["00", "10", "16", "20", "24", "30", "38", "47", "55", "60", "66", "72", "84", "99"]
)
def test_unknown_province_is_rejected(province: str) -> None:
    value = complete_resident_id(province + "078119900101123")
    with pytest.raises(InvalidIdentifier, match="province"):
        validate_resident_id(value, today=TODAY)


@pytest.mark.parametrize(
    "value",
    [
        "",
        "   ",
        "37078119900101123",
        "3707811990010112345",
        "370781900101123",
        "3707811990010112X4",
        "X70781199001011234",
    ],
)
def test_malformed_values_are_rejected(value: str) -> None:
    with pytest.raises(InvalidIdentifier):
        validate_resident_id(value, today=TODAY)


def test_full_width_digits_are_rejected() -> None:
    value = complete_resident_id("37078119900101123")
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in value)
    with pytest.raises(InvalidIdentifier):
        validate_resident_id(full_width, today=TODAY)


def test_invalid_identifier_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        validate_resident_id("nonsense", today=TODAY)


def test_birth_date_of() -> None:
    assert birth_date_of("11010519491231002X") == date(1949, 12, 31)
    with pytest.raises(InvalidIdentifier):
        birth_date_of("110105194912")


def test_complete_resident_id_requires_17_digits() -> None:
    with pytest.raises(InvalidIdentifier):
        complete_resident_id("1234")
    with pytest.raises(InvalidIdentifier):
        complete_resident_id("3707811990010112A")


_province = st.sampled_from(sorted(PROVINCE_CODES))
_area = st.from_regex(r"[0-9]{4}", fullmatch=True)
_birth = st.dates(min_value=date(1900, 1, 1), max_value=TODAY).map(lambda d: d.strftime("%Y%m%d"))
_sequence = st.from_regex(r"[0-9]{3}", fullmatch=True)
valid_first17 = st.builds(lambda p, a, b, s: p + a + b + s, _province, _area, _birth, _sequence)


@given(valid_first17)
def test_property_completed_ids_round_trip(first17: str) -> None:
    value = complete_resident_id(first17)
    assert validate_resident_id(value, today=TODAY) == value
    assert birth_date_of(value).strftime("%Y%m%d") == first17[6:14]


@given(valid_first17, st.integers(min_value=0, max_value=16), st.integers(min_value=1, max_value=9))
def test_property_any_single_digit_change_is_detected(first17: str, position: int, delta: int) -> None:
    value = complete_resident_id(first17)
    changed = str((int(value[position]) + delta) % 10)
    corrupted = value[:position] + changed + value[position + 1 :]
    assert corrupted != value
    with pytest.raises(InvalidIdentifier):
        validate_resident_id(corrupted, today=TODAY)


# --------------------------------------------------------------------------
# Unified social credit codes
# --------------------------------------------------------------------------

CREDIT_BODY = "91350100M000100Y4"  # body of 91350100M000100Y43, the widely cited sample code


def test_known_credit_code_validates() -> None:
    code = complete_credit_code(CREDIT_BODY)
    assert code == "91350100M000100Y43"
    assert validate_credit_code(code) == code


def test_credit_code_is_stripped_and_uppercased() -> None:
    code = complete_credit_code(CREDIT_BODY)
    assert validate_credit_code(f" {code.lower()} ") == code


def test_check_char_of_zero_sum_is_zero() -> None:
    # sum 0 -> 31 - 0 = 31 -> 0
    assert credit_code_check_char("0" * 17) == "0"


def test_every_wrong_credit_check_char_is_rejected() -> None:
    code = complete_credit_code(CREDIT_BODY)
    for char in CREDIT_CODE_CHARSET:
        if char == code[-1]:
            continue
        with pytest.raises(InvalidIdentifier, match="check character"):
            validate_credit_code(code[:17] + char)


def test_corrupted_credit_code_body_is_rejected() -> None:
    code = complete_credit_code(CREDIT_BODY)
    corrupted = code[:5] + ("2" if code[5] != "2" else "3") + code[6:]
    with pytest.raises(InvalidIdentifier):
        validate_credit_code(corrupted)


@pytest.mark.parametrize("bad_char", ["I", "O", "Z", "S", "V"])
def test_letters_outside_the_charset_are_rejected(bad_char: str) -> None:
    code = complete_credit_code(CREDIT_BODY)
    with pytest.raises(InvalidIdentifier, match="not allowed"):
        validate_credit_code(code[:8] + bad_char + code[9:])
    with pytest.raises(InvalidIdentifier):
        complete_credit_code(CREDIT_BODY[:8] + bad_char + CREDIT_BODY[9:])


@pytest.mark.parametrize("value", ["", "91350100M000100Y4", "91350100M000100Y433"])
def test_credit_code_wrong_length_is_rejected(value: str) -> None:
    with pytest.raises(InvalidIdentifier):
        validate_credit_code(value)


@given(st.text(alphabet=CREDIT_CODE_CHARSET, min_size=17, max_size=17))
def test_property_credit_codes_round_trip(body: str) -> None:
    code = complete_credit_code(body)
    assert validate_credit_code(code) == code


# --------------------------------------------------------------------------
# Mobile numbers
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    ["13812345678", "+8613812345678", "8613812345678", "+86 138 1234 5678", "138-1234-5678", " 138 1234-5678 "],
)
def test_mobile_accepts_prefix_and_separators(value: str) -> None:
    assert validate_mobile(value) == "13812345678"


@pytest.mark.parametrize(
    "value",
    ["", "12812345678", "1381234567", "138123456789", "+8712345678901", "1381234567a", "+86 0138 1234 5678"],
)
def test_mobile_rejects_bad_numbers(value: str) -> None:
    with pytest.raises(InvalidIdentifier):
        validate_mobile(value)


# --------------------------------------------------------------------------
# Masking
# --------------------------------------------------------------------------


def test_mask_resident_id() -> None:
    assert mask_resident_id("370781199001011234") == "370781********1234"
    assert mask_resident_id("37078119900101123X") == "370781********123X"
    assert mask_resident_id("370781900101123") == "370**********23"
    assert mask_resident_id("") == ""
    assert mask_resident_id(None) == ""
    assert mask_resident_id("1234") == "****"


def test_mask_mobile() -> None:
    assert mask_mobile("13812345678") == "138****5678"
    assert mask_mobile("") == ""
    assert mask_mobile(None) == ""


def test_mask_identifiers_in_text() -> None:
    text = "member 370781199001011234 (phone 13812345678) joined, ref 12345678901234567890"
    assert mask_identifiers_in_text(text) == (
        "member 370781********1234 (phone 138****5678) joined, ref 12345678901234567890"
    )


def test_mask_identifiers_in_text_edge_cases() -> None:
    assert mask_identifiers_in_text("id=37078119900101123x,") == "id=370781********123x,"
    assert mask_identifiers_in_text("tel:13812345678") == "tel:138****5678"
    # A 12-digit run is not a phone number, a 19-digit run is not an ID.
    assert mask_identifiers_in_text("138123456789") == "138123456789"
    assert mask_identifiers_in_text("3707811990010112345") == "3707811990010112345"
    # Numbers not starting with 13-19 are not phones.
    assert mask_identifiers_in_text("order 12812345678") == "order 12812345678"
    assert mask_identifiers_in_text("") == ""
    assert mask_identifiers_in_text("中文身份证370781199001011234结束") == "中文身份证370781********1234结束"


@given(valid_first17)
def test_property_masked_text_never_contains_the_full_id(first17: str) -> None:
    value = complete_resident_id(first17)
    masked = mask_identifiers_in_text(f"user {value} logged in")
    assert value not in masked
    assert mask_resident_id(value) in masked
