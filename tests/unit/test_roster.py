"""Unit tests for services.membership.domain.roster (reading and writing rosters)."""

import io
from collections.abc import Iterator
from datetime import date, datetime

import pytest
from openpyxl import Workbook, load_workbook

from services.chassis.identity import complete_resident_id
from services.membership.domain.roster import (
    EXPORT_COLUMNS,
    ROSTER_COLUMNS,
    RosterFileError,
    RosterRow,
    read_roster,
    write_members_xlsx,
)

ID_A = complete_resident_id("37078119900101123")
ID_B = complete_resident_id("11010519850615002")
ID_C = complete_resident_id("44030420000229001")

ENGLISH_CSV = (
    "name,id_number,phone,organisation_id,employment_form,occupation,joined_on\n"
    f"张三,{ID_A},13812345678,7,standard,driver,2023-01-05\n"
    f"李四,{ID_B},13987654321,8,new_form,,2023-02-06\n"
)

CHINESE_CSV = (
    "姓名,身份证号码,手机号码,工会ID,用工形式,工种,入会时间\n"
    f"张三,{ID_A},13812345678,7,标准,外卖骑手,2023-01-05\n"
    f"李四,{ID_B},13987654321,8,新就业形态,,2023-02-06\n"
)


def rows_of(filename: str, content: bytes) -> list[RosterRow]:
    return list(read_roster(filename, content))


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------


def test_csv_with_english_headers() -> None:
    rows = rows_of("roster.csv", ENGLISH_CSV.encode())
    assert [r.row for r in rows] == [2, 3]
    assert rows[0].fields == {
        "name": "张三",
        "id_number": ID_A,
        "phone": "13812345678",
        "organisation_id": "7",
        "employment_form": "standard",
        "occupation": "driver",
        "joined_on": "2023-01-05",
    }
    assert rows[1].fields["occupation"] == ""
    assert rows[1].fields["employment_form"] == "new_form"
    assert list(rows[0].fields) == list(ROSTER_COLUMNS)


def test_csv_with_chinese_headers_maps_values() -> None:
    rows = rows_of("名册.CSV", CHINESE_CSV.encode())
    assert rows[0].fields["name"] == "张三"
    assert rows[0].fields["id_number"] == ID_A
    assert rows[0].fields["organisation_id"] == "7"
    assert rows[0].fields["employment_form"] == "standard"
    assert rows[0].fields["occupation"] == "外卖骑手"
    assert rows[0].fields["joined_on"] == "2023-01-05"
    assert rows[1].fields["employment_form"] == "new_form"


def test_csv_with_bom() -> None:
    rows = rows_of("roster.csv", "\ufeff".encode() + CHINESE_CSV.encode())
    assert [r.fields["name"] for r in rows] == ["张三", "李四"]


def test_csv_in_gb18030() -> None:
    content = CHINESE_CSV.encode("gb18030")
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")
    rows = rows_of("roster.csv", content)
    assert [r.fields["name"] for r in rows] == ["张三", "李四"]
    assert rows[0].fields["occupation"] == "外卖骑手"


def test_csv_crlf_and_header_variants() -> None:
    content = (
        " Name ,ID Number,联系电话,所属工会ID,就业形态,职业,入会日期,备注\r\n"
        f"  王五 , {ID_C} ,13712345678,9,新业态,快递员,2024-03-01,extra\r\n"
    ).encode()
    (row,) = rows_of("roster.csv", content)
    assert row.row == 2
    assert row.fields["name"] == "王五"
    assert row.fields["id_number"] == ID_C
    assert row.fields["phone"] == "13712345678"
    assert row.fields["organisation_id"] == "9"
    assert row.fields["employment_form"] == "new_form"


def test_unknown_employment_form_is_kept() -> None:
    content = ENGLISH_CSV.replace("standard", "临时工").encode()
    rows = rows_of("roster.csv", content)
    assert rows[0].fields["employment_form"] == "临时工"


def test_csv_empty_rows_are_skipped_and_row_numbers_kept() -> None:
    lines = ENGLISH_CSV.splitlines()
    content = "\n".join([lines[0], "", ",,,,,,", lines[1], "   ,  ", lines[2]]).encode()
    rows = rows_of("roster.csv", content)
    assert [r.row for r in rows] == [4, 6]
    assert [r.fields["name"] for r in rows] == ["张三", "李四"]


def test_csv_short_and_long_rows() -> None:
    content = (
        "name,id_number,phone,organisation_id,employment_form,joined_on\n"
        f"张三,{ID_A},13812345678,7,standard,2023-01-05,surplus,cells\n"
        "李四,x\n"
    ).encode()
    rows = rows_of("roster.csv", content)
    assert rows[0].fields["joined_on"] == "2023-01-05"
    assert rows[0].fields["occupation"] == ""
    assert rows[1].fields == {**dict.fromkeys(ROSTER_COLUMNS, ""), "name": "李四", "id_number": "x"}


def test_csv_quoted_multiline_cell_counts_as_one_row() -> None:
    content = (
        "name,id_number,phone,organisation_id,employment_form,occupation,joined_on\n"
        f'张三,{ID_A},13812345678,7,standard,"line one\nline two",2023-01-05\n'
        f"李四,{ID_B},13987654321,8,new_form,,2023-02-06\n"
    ).encode()
    rows = rows_of("roster.csv", content)
    assert [r.row for r in rows] == [2, 3]
    assert rows[0].fields["occupation"] == "line one\nline two"


def test_unknown_extension_is_sniffed() -> None:
    assert len(rows_of("upload", ENGLISH_CSV.encode())) == 2
    content = xlsx_bytes([list(ROSTER_COLUMNS), ["张三", ID_A, "13812345678", "7", "standard", "", "2023-01-05"]])
    assert len(rows_of("upload.bin", content)) == 1
    # An XLSX renamed to .csv is still read as a workbook.
    assert len(rows_of("upload.csv", content)) == 1


def test_read_roster_can_be_iterated_twice() -> None:
    content = ENGLISH_CSV.encode()
    assert sum(1 for _ in read_roster("roster.csv", content)) == 2
    assert [r.row for r in read_roster("roster.csv", content)] == [2, 3]


# --------------------------------------------------------------------------
# File-level errors
# --------------------------------------------------------------------------


@pytest.mark.parametrize("missing", ["name", "id_number", "phone", "organisation_id", "employment_form", "joined_on"])
def test_missing_required_column_is_named(missing: str) -> None:
    header = [c for c in ROSTER_COLUMNS if c != missing]
    content = (",".join(header) + "\n" + ",".join("x" for _ in header) + "\n").encode()
    with pytest.raises(RosterFileError) as excinfo:
        read_roster("roster.csv", content)
    assert excinfo.value.field == missing
    assert missing in str(excinfo.value)


def test_missing_column_in_xlsx_is_named() -> None:
    content = xlsx_bytes(
        [["姓名", "身份证号", "手机号", "组织ID", "用工形式"], ["张三", ID_A, "13812345678", 7, "标准"]]
    )
    with pytest.raises(RosterFileError) as excinfo:
        read_roster("roster.xlsx", content)
    assert excinfo.value.field == "joined_on"


def test_occupation_is_optional() -> None:
    header = [c for c in ROSTER_COLUMNS if c != "occupation"]
    content = (
        ",".join(header) + "\n" + ",".join(["张三", ID_A, "13812345678", "7", "standard", "2023-01-05"])
    ).encode()
    (row,) = rows_of("roster.csv", content)
    assert row.fields["occupation"] == ""


@pytest.mark.parametrize(
    ("filename", "content"),
    [
        ("roster.csv", b""),
        ("roster.xlsx", b""),
        ("roster.xlsx", b"\x00\x01\x02garbage\xff\xfe" * 50),
        ("roster.xlsx", b"PK\x03\x04 not really a zip file"),
        ("roster.csv", bytes(range(256)) * 8),
        ("roster.csv", b"\x81\x30\xff\xfe\x00\x00garbage"),
        ("roster.bin", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"),
        ("roster.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100),
        ("roster.csv", b"\n\n , ,\n"),
        ("roster.csv", b"just some text, without a header\nmore text"),
    ],
)
def test_unreadable_files_raise_roster_file_error(filename: str, content: bytes) -> None:
    with pytest.raises(RosterFileError):
        list(read_roster(filename, content))


def test_garbage_reports_the_file_field() -> None:
    with pytest.raises(RosterFileError) as excinfo:
        read_roster("roster.xlsx", b"definitely not a workbook")
    assert excinfo.value.field == "file"
    assert isinstance(excinfo.value, ValueError)


def test_xlsx_with_header_only_has_no_rows() -> None:
    assert rows_of("roster.xlsx", xlsx_bytes([list(ROSTER_COLUMNS)])) == []


def test_empty_xlsx_has_no_header() -> None:
    with pytest.raises(RosterFileError, match="header"):
        read_roster("roster.xlsx", xlsx_bytes([]))


# --------------------------------------------------------------------------
# XLSX
# --------------------------------------------------------------------------


def test_xlsx_with_date_and_numeric_cells() -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["姓名", "公民身份号码", "手机号", "组织ID", "用工形式", "职业", "入会日期"])
    sheet.append(["张三", ID_A, 13812345678, 7, "标准用工", "司机", date(2023, 1, 5)])
    sheet.append([None] * 7)  # an empty row in the middle
    sheet.append(["李四", ID_B, 13987654321.0, 8.0, "新就业形态", None, datetime(2023, 2, 6, 9, 30)])
    sheet.append([" 王五 ", ID_C, "137 1234 5678", "9", "new_form", 2.5, "2024/3/1"])
    buffer = io.BytesIO()
    workbook.save(buffer)

    rows = rows_of("roster.xlsx", buffer.getvalue())
    assert [r.row for r in rows] == [2, 4, 5]
    first, second, third = (r.fields for r in rows)
    assert first == {
        "name": "张三",
        "id_number": ID_A,
        "phone": "13812345678",
        "organisation_id": "7",
        "employment_form": "standard",
        "occupation": "司机",
        "joined_on": "2023-01-05",
    }
    assert second["phone"] == "13987654321"
    assert second["organisation_id"] == "8"
    assert second["occupation"] == ""
    assert second["joined_on"] == "2023-02-06"
    assert second["employment_form"] == "new_form"
    assert third["name"] == "王五"
    assert third["phone"] == "137 1234 5678"  # normalising phones is the validator's job
    assert third["occupation"] == "2.5"
    assert third["joined_on"] == "2024/3/1"


def test_xlsx_header_not_on_first_row_and_leading_blank_rows() -> None:
    workbook = Workbook()
    sheet = workbook.active
    for column, header in enumerate(ROSTER_COLUMNS, start=2):  # table starts at column B, row 3
        sheet.cell(row=3, column=column, value=header)
    for column, value in enumerate(["张三", ID_A, "13812345678", "7", "standard", "", "2023-01-05"], start=2):
        sheet.cell(row=4, column=column, value=value)
    sheet.cell(row=7, column=2, value="李四")
    buffer = io.BytesIO()
    workbook.save(buffer)
    rows = rows_of("roster.xlsx", buffer.getvalue())
    assert [r.row for r in rows] == [4, 7]
    assert rows[0].fields["id_number"] == ID_A
    assert rows[1].fields["name"] == "李四"


def test_xlsx_reads_only_the_first_sheet() -> None:
    workbook = Workbook()
    workbook.active.append(list(ROSTER_COLUMNS))
    workbook.active.append(["张三", ID_A, "13812345678", "7", "standard", "", "2023-01-05"])
    other = workbook.create_sheet("other")
    other.append(list(ROSTER_COLUMNS))
    other.append(["李四", ID_B, "13987654321", "8", "standard", "", "2023-01-05"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert [r.fields["name"] for r in rows_of("roster.xlsx", buffer.getvalue())] == ["张三"]


# --------------------------------------------------------------------------
# Export
# --------------------------------------------------------------------------

MEMBERS = [
    {
        "id": 1,
        "name": "张三",
        "id_number": ID_A,
        "phone": "13812345678",
        "organisation_id": 7,
        "organisation_name": "市总工会",
        "employment_form": "standard",
        "occupation": "司机",
        "joined_on": date(2023, 1, 5),
        "status": "active",
        "left_on": None,
    },
    {
        "id": 2,
        "name": "李四",
        "id_number": ID_B,
        "phone": "13987654321",
        "organisation_id": "8",
        "organisation_name": "快递行业工会",
        "employment_form": "new_form",
        "joined_on": "2023-02-06",
        "status": "left",
        "left_on": date(2024, 1, 1),
    },
    {
        "id": 3,
        "name": "王五",
        "id_number": ID_C,
        "phone": 13712345678,
        "organisation_id": 9,
        "employment_form": "new_form",
        "occupation": None,
        "joined_on": datetime(2024, 3, 1, 8, 0),
        "status": "active",
    },
]

ROUND_TRIP_FIELDS = ["name", "id_number", "phone", "organisation_id", "employment_form", "joined_on"]


def expected_text(value: object) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def test_export_round_trips_through_read_roster() -> None:
    content = write_members_xlsx(iter(MEMBERS))
    rows = rows_of("members.xlsx", content)
    assert [r.row for r in rows] == [2, 3, 4]
    for member, row in zip(MEMBERS, rows, strict=True):
        for field in ROUND_TRIP_FIELDS:
            assert row.fields[field] == expected_text(member[field]), field


def test_export_layout_and_cell_types() -> None:
    content = write_members_xlsx(MEMBERS)
    workbook = load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["会员名册"]
    sheet = workbook["会员名册"]
    header = [cell.value for cell in sheet[1]]
    assert header == [title for _, title in EXPORT_COLUMNS]
    first = {title: cell for (_, title), cell in zip(EXPORT_COLUMNS, sheet[2], strict=True)}
    assert first["身份证号"].data_type == "s"
    assert first["身份证号"].value == ID_A
    assert first["手机号"].data_type == "s"
    assert first["用工形式"].value == "标准用工"
    assert first["状态"].value == "在册"
    assert first["离会日期"].value is None
    assert first["入会日期"].is_date
    third = [cell.value for cell in sheet[4]]
    assert third[3] == "13712345678"  # an int phone is still written as text
    assert third[6] == "新就业形态"
    assert third[7] is None
    assert [cell.value for cell in sheet[3]][9] == "已离会"


def test_export_writes_formula_like_text_literally() -> None:
    member = {"id": 1, "name": '=HYPERLINK("http://evil","x")', "occupation": "#N/A", "status": "unknown"}
    content = write_members_xlsx([member])
    sheet = load_workbook(io.BytesIO(content))["会员名册"]
    row = {title: cell for (_, title), cell in zip(EXPORT_COLUMNS, sheet[2], strict=True)}
    assert row["姓名"].data_type == "s"
    assert row["姓名"].value == '=HYPERLINK("http://evil","x")'
    assert row["职业"].data_type == "s"
    assert row["状态"].value == "unknown"


def test_export_streams_from_a_generator() -> None:
    consumed: list[int] = []

    def members() -> Iterator[dict[str, object]]:
        for index in range(500):
            consumed.append(index)
            yield {"id": index, "name": f"会员{index}", "id_number": ID_A, "employment_form": "standard"}

    content = write_members_xlsx(members())
    assert len(consumed) == 500
    rows = rows_of("members.xlsx", content)
    assert len(rows) == 500
    assert rows[-1].row == 501
    assert rows[-1].fields["name"] == "会员499"


def test_export_of_nothing_has_only_the_header() -> None:
    content = write_members_xlsx([])
    assert rows_of("members.xlsx", content) == []
