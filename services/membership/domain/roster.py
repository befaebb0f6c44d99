"""Reading uploaded member rosters (CSV or XLSX) and writing the member export.

Import: ``read_roster`` turns an uploaded file into ``RosterRow`` objects with
canonical field names and plain stripped strings. It does not validate the
values (that is the roster validator's job); it only refuses files that cannot
be read at all, by raising ``RosterFileError``.

Export: ``write_members_xlsx`` streams members into an XLSX workbook whose
header row ``read_roster`` understands, so an export can be edited in Excel
and imported again.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import PurePosixPath

from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.utils import get_column_letter

__all__ = [
    "EMPLOYMENT_FORM_LABELS",
    "EXPORT_COLUMNS",
    "EXPORT_SHEET_TITLE",
    "OPTIONAL_COLUMNS",
    "REQUIRED_COLUMNS",
    "ROSTER_COLUMNS",
    "STATUS_LABELS",
    "RosterFileError",
    "RosterRow",
    "canonical_column",
    "normalise_employment_form",
    "read_roster",
    "write_members_xlsx",
]

ROSTER_COLUMNS: tuple[str, ...] = (
    "name",
    "id_number",
    "phone",
    "organisation_id",
    "employment_form",
    "occupation",
    "joined_on",
)
OPTIONAL_COLUMNS: frozenset[str] = frozenset({"occupation"})
REQUIRED_COLUMNS: tuple[str, ...] = tuple(c for c in ROSTER_COLUMNS if c not in OPTIONAL_COLUMNS)

_HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("姓名",),
    "id_number": ("身份证号", "身份证号码", "公民身份号码"),
    "phone": ("手机号", "手机号码", "联系电话"),
    "organisation_id": ("组织ID", "工会ID", "所属工会ID", "organisation", "organization_id"),
    "employment_form": ("用工形式", "就业形态"),
    "occupation": ("职业", "工种"),
    "joined_on": ("入会日期", "入会时间"),
}


def _header_key(header: str) -> str:
    """Normalise a header for lookup: case-insensitive, ignoring whitespace, '_' and '-'.

    So "ID Number", "id_number" and " 身份证号 " all find their column.
    """
    return "".join(header.split()).replace("_", "").replace("-", "").casefold()


_HEADER_LOOKUP: dict[str, str] = {}
for _field, _aliases in _HEADER_ALIASES.items():
    for _alias in (_field, *_aliases):
        _HEADER_LOOKUP[_header_key(_alias)] = _field
del _field, _aliases, _alias


def canonical_column(header: object) -> str | None:
    """Return the canonical field for a header cell, or None if it is not a roster column."""
    if header is None:
        return None
    return _HEADER_LOOKUP.get(_header_key(str(header)))


EMPLOYMENT_FORM_LABELS: dict[str, str] = {"standard": "标准用工", "new_form": "新就业形态"}
STATUS_LABELS: dict[str, str] = {"active": "在册", "left": "已离会"}

_EMPLOYMENT_FORM_VALUES: dict[str, str] = {
    "standard": "standard",
    "new_form": "new_form",
    "标准": "standard",
    "传统": "standard",
    "标准用工": "standard",
    "新就业形态": "new_form",
    "新业态": "new_form",
}


def normalise_employment_form(value: str) -> str:
    """Map an employment form cell to "standard"/"new_form"; unknown values pass unchanged."""
    return _EMPLOYMENT_FORM_VALUES.get(value.strip().casefold(), value)


class RosterFileError(ValueError):
    """The uploaded file cannot be read as a roster at all.

    ``field`` is "file" for unreadable files, or the canonical name of a
    required column that is missing from the header.
    """

    def __init__(self, message: str, field: str = "file") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class RosterRow:
    """One data row: ``row`` is the row number as shown in Excel (header = 1)."""

    row: int
    fields: dict[str, str]


# --------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .xls (and .doc, ...)


def read_roster(filename: str, content: bytes) -> Iterator[RosterRow]:
    """Read an uploaded roster and return an iterator over its data rows.

    The format and the header are checked immediately, so RosterFileError
    is raised by this call rather than on the first ``next()``; the rows are
    then produced lazily. Every call re-parses ``content``, so calling it twice
    (once to count, once to import) costs time but not memory.
    """
    if not content:
        raise RosterFileError("the file is empty")
    kind = _detect_format(filename, content)
    if kind == "xlsx":
        return _read_xlsx(content)
    return _read_csv(content)


def _detect_format(filename: str, content: bytes) -> str:
    suffix = PurePosixPath((filename or "").replace("\\", "/")).suffix.lower()
    if content.startswith(_OLE_MAGIC) or suffix == ".xls":
        raise RosterFileError("legacy .xls workbooks are not supported; save the file as .xlsx or .csv")
    if suffix == ".xlsx":
        return "xlsx"
    if suffix == ".csv":
        # A workbook renamed to .csv: the zip signature cannot start a CSV roster.
        return "xlsx" if content.startswith(_ZIP_MAGIC) else "csv"
    if content.startswith(b"PK"):
        return "xlsx"
    return "csv"


def _map_header(cells: Sequence[object]) -> list[tuple[int, str]]:
    """Return (cell index, canonical field) pairs; raise if a required column is missing.

    If two columns map to the same field the left-most one wins.
    """
    mapping: dict[str, int] = {}
    for index, cell in enumerate(cells):
        field = canonical_column(cell)
        if field is not None and field not in mapping:
            mapping[field] = index
    missing = [field for field in REQUIRED_COLUMNS if field not in mapping]
    if missing:
        raise RosterFileError(f"the header row has no column for {', '.join(missing)}", field=missing[0])
    return [(index, field) for field, index in mapping.items()]


def _build_fields(cells: Sequence[str], columns: list[tuple[int, str]]) -> dict[str, str]:
    fields = dict.fromkeys(ROSTER_COLUMNS, "")
    width = len(cells)
    for index, field in columns:
        if index < width:
            fields[field] = cells[index]
    if fields["employment_form"]:
        fields["employment_form"] = normalise_employment_form(fields["employment_form"])
    return fields


def _decode_csv(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("gb18030")
    except UnicodeDecodeError:
        raise RosterFileError("the file is neither a valid XLSX workbook nor a CSV file in UTF-8 or GB18030") from None


def _read_csv(content: bytes) -> Iterator[RosterRow]:
    text = _decode_csv(content)
    if "\x00" in text:
        raise RosterFileError("the file contains binary data and is not a CSV file")
    reader = csv.reader(io.StringIO(text, newline=""))
    row_number = 0
    columns: list[tuple[int, str]] | None = None
    try:
        for raw in reader:
            row_number += 1
            cells = [cell.strip() for cell in raw]
            if any(cells):
                columns = _map_header(cells)
                break
    except csv.Error as exc:
        raise RosterFileError(f"the CSV file is malformed: {exc}") from None
    if columns is None:
        raise RosterFileError("the file has no header row")
    return _csv_rows(reader, columns, row_number)


def _csv_rows(reader: Iterator[list[str]], columns: list[tuple[int, str]], row_number: int) -> Iterator[RosterRow]:
    try:
        for raw in reader:
            row_number += 1
            cells = [cell.strip() for cell in raw]
            if any(cells):
                yield RosterRow(row=row_number, fields=_build_fields(cells, columns))
    except csv.Error as exc:
        raise RosterFileError(f"the CSV file is malformed near row {row_number + 1}: {exc}") from None


def _cell_text(value: object) -> str:
    """Render an XLSX cell value the way the person typing it meant it."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, (int, Decimal)):
        return str(value)
    return str(value).strip()


def _read_xlsx(content: bytes) -> Iterator[RosterRow]:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:
        # openpyxl raises BadZipFile, KeyError, InvalidFileException, XML errors...
        raise RosterFileError(f"the file is not a readable XLSX workbook ({exc})") from None
    try:
        if not workbook.worksheets:
            raise RosterFileError("the workbook has no worksheet")
        sheet = workbook.worksheets[0]
        # Some producers write a wrong <dimension>; trusting it would truncate rows.
        sheet.reset_dimensions()
        rows = sheet.iter_rows(min_row=1, values_only=True)
        row_number = 0
        columns: list[tuple[int, str]] | None = None
        for raw in rows:
            row_number += 1
            cells = [_cell_text(value) for value in raw]
            if any(cells):
                columns = _map_header(cells)
                break
        if columns is None:
            raise RosterFileError("the file has no header row")
    except RosterFileError:
        workbook.close()
        raise
    except Exception as exc:  # corrupt sheet XML only surfaces while parsing rows
        workbook.close()
        raise RosterFileError(f"the file is not a readable XLSX workbook ({exc})") from None
    return _xlsx_rows(workbook, rows, columns, row_number)


def _xlsx_rows(
    workbook: Workbook,
    rows: Iterator[tuple[object, ...]],
    columns: list[tuple[int, str]],
    row_number: int,
) -> Iterator[RosterRow]:
    try:
        for raw in rows:
            row_number += 1
            cells = [_cell_text(value) for value in raw]
            if any(cells):
                yield RosterRow(row=row_number, fields=_build_fields(cells, columns))
    except RosterFileError:
        raise
    except Exception as exc:
        raise RosterFileError(f"the workbook is damaged near row {row_number}: {exc}") from None
    finally:
        workbook.close()


# --------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------

EXPORT_SHEET_TITLE = "会员名册"
EXPORT_COLUMNS: list[tuple[str, str]] = [
    ("id", "会员编号"),
    ("name", "姓名"),
    ("id_number", "身份证号"),
    ("phone", "手机号"),
    ("organisation_id", "组织ID"),
    ("organisation_name", "所属工会"),
    ("employment_form", "用工形式"),
    ("occupation", "职业"),
    ("joined_on", "入会日期"),
    ("status", "状态"),
    ("left_on", "离会日期"),
]
_TEXT_FIELDS = frozenset({"id_number", "phone"})
_EXPORT_WIDTHS: dict[str, int] = {"id_number": 21, "phone": 14, "organisation_name": 24, "name": 12}
_DATE_FIELDS = frozenset({"joined_on", "left_on"})
_LABELS: dict[str, dict[str, str]] = {
    "employment_form": EMPLOYMENT_FORM_LABELS,
    "status": STATUS_LABELS,
}


def _export_value(sheet: object, field: str, value: object) -> object:
    """Turn one member attribute into what the write-only sheet should receive.

    Plain values are returned where openpyxl's own type inference is right
    (that is much faster); a WriteOnlyCell only where it would be wrong.
    """
    if value is None or value == "":
        return None
    if field in _LABELS and isinstance(value, str):
        value = _LABELS[field].get(value, value)
    if isinstance(value, datetime) and field in _DATE_FIELDS:
        return value.date()
    if isinstance(value, (date, datetime)):
        return value  # openpyxl gives dates a yyyy-mm-dd number format
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool) and (field not in _TEXT_FIELDS):
        return value
    text = str(value)
    if ILLEGAL_CHARACTERS_RE.search(text):
        text = ILLEGAL_CHARACTERS_RE.sub("", text)
    if text.startswith("=") or text in ERROR_CODES:
        # openpyxl would write "=..." as a formula and "#N/A" as an error;
        # member data is always literal text and must never be executable.
        cell = WriteOnlyCell(sheet, value=text)
        cell.data_type = "s"
        return cell
    return text


def write_members_xlsx(members: Iterable[Mapping[str, object]]) -> bytes:
    """Write members to an XLSX workbook and return its bytes.

    Rows are streamed to openpyxl's write-only worksheet one member at a time,
    so ``members`` can be a lazy iterator over a large table.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(EXPORT_SHEET_TITLE)
    for position, (field, _) in enumerate(EXPORT_COLUMNS, start=1):
        dimension = sheet.column_dimensions[get_column_letter(position)]
        dimension.width = _EXPORT_WIDTHS.get(field, 12)
        if field in _TEXT_FIELDS:
            # Values are written as strings anyway; the column's text format
            # also keeps Excel from turning an ID typed in later into 3.70781E+17.
            dimension.number_format = "@"
    sheet.append([header for _, header in EXPORT_COLUMNS])
    for member in members:
        sheet.append([_export_value(sheet, field, member.get(field)) for field, _ in EXPORT_COLUMNS])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
