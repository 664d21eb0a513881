"""Reading a plain edge list (CSV or Parquet) of money flows into a :class:`~dealweb.graph.web.Web`.

The file has one flow per row and the columns ``source``, ``target``, ``amount`` (US dollars, >= 0) and
optionally ``type`` (a deal type such as ``equity_investment`` or a flow kind such as ``debt``). Extra
columns are ignored. Every bad row is an :class:`~dealweb.errors.InputError` naming the file, the line
(CSV: the physical line; Parquet: the row number counting the header as line 1) and the column.
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import numpy as np

from dealweb.errors import InputError
from dealweb.graph.web import Web

__all__ = ["read_edges"]

_REQUIRED = ("source", "target", "amount")
# Bounds where the numbers enter: no real flow is above 1e20 USD (world output is about 1e14 a year), and a
# positive flow below a millionth of a dollar is a unit slip whose reciprocal (shares, exposures) overflows.
_MAX_AMOUNT = 1e20
_MIN_POSITIVE = 1e-6
_MAX_LABEL = 1000


def _check_header(path: Path, columns: list[str]) -> dict[str, int]:
    cols = {c.strip().lower(): k for k, c in enumerate(columns)}
    missing = [c for c in _REQUIRED if c not in cols]
    if missing:
        raise InputError(
            f"{path}:1: missing column(s) {', '.join(missing)} (found: {', '.join(columns) or 'none'})",
            "the first line must name the columns source,target,amount[,type]",
        )
    return cols


def _amount(path: Path, line: int, raw: object) -> float:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        raise InputError(f"{path}:{line}: column amount is empty", "write the flow in US dollars, e.g. 4.0e10")
    try:
        value = float(raw) if not isinstance(raw, str) else float(raw.strip().replace("_", ""))
    except (TypeError, ValueError):
        raise InputError(f"{path}:{line}: column amount: {raw!r} is not a number",
                         "write plain US dollars such as 40000000000 or 4e10 (no units, no commas)") from None
    if math.isnan(value) or math.isinf(value):
        raise InputError(f"{path}:{line}: column amount: {raw!r} is not a finite number", "write plain US dollars")
    if value < 0:
        raise InputError(f"{path}:{line}: column amount: negative amount {raw!r}",
                         "amounts are sizes; swap source and target to reverse the direction")
    if value > _MAX_AMOUNT:
        raise InputError(f"{path}:{line}: column amount: {value:.3g} is larger than any real flow (the bound is "
                         f"{_MAX_AMOUNT:.0e} USD)", "check the digits and the unit: amounts are plain US dollars")
    if 0 < value < _MIN_POSITIVE:
        raise InputError(f"{path}:{line}: column amount: {value:.3g} is below a millionth of a dollar",
                         "check the unit: amounts are plain US dollars; write 0 for no flow")
    return value


def _label(path: Path, line: int, column: str, raw: object) -> str:
    if raw is None or not str(raw).strip():
        raise InputError(f"{path}:{line}: column {column} is empty", "every flow needs a source and a target")
    label = str(raw).strip()
    if len(label) > _MAX_LABEL:
        raise InputError(f"{path}:{line}: column {column}: a label of {len(label):,} characters is longer than "
                         f"the {_MAX_LABEL:,} allowed", "labels are names or ids of firms: check the column order")
    return label


def read_edges(path: str | Path) -> Web:
    """A :class:`Web` from a CSV (``.csv``, ``.txt``) or Parquet (``.parquet``, ``.pq``) edge list.

    Args:
        path: the file.

    Returns:
        The web; entity ids are the labels in ``source``/``target``, sorted; flows are named by their line.

    Raises:
        InputError: missing file, missing column, or a bad row (negative amount, not a number, empty label),
            naming the file, line and column.
    """
    p = Path(path)
    if not p.exists():
        raise InputError(f"{p}: no such file", "give a CSV or Parquet file with columns source,target,amount[,type]")
    if not p.is_file():  # a folder, device, FIFO or socket: refused by type, never read
        from dealweb.limits import LimitError, file_kind

        raise LimitError(f"{p}: is {file_kind(p.stat().st_mode)}, not a regular file",
                         "give the edge list as a regular CSV or Parquet file")
    if p.suffix.lower() in (".parquet", ".pq"):
        return _read_parquet(p)
    src: list[str] = []
    dst: list[str] = []
    amt: list[float] = []
    typ: list[str] = []
    lines: list[int] = []
    from dealweb.limits import read_regular

    raw = read_regular(p, "edge list")  # devices and FIFOs refused by type; size capped
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(f"{p}:{line}: not UTF-8 text (byte 0x{raw[exc.start]:02x})",
                         "give a UTF-8 CSV with columns source,target,amount[,type], or a Parquet file") from None
    if "\0" in text:
        line = text[: text.index("\0")].count("\n") + 1
        raise InputError(f"{p}:{line}: binary data (a NUL byte), not a CSV edge list",
                         "give a UTF-8 CSV with columns source,target,amount[,type], or a Parquet file")
    with io.StringIO(text, newline="") as fh:
        reader = csv.reader(fh)
        try:
            header = next(reader)
        except StopIteration:
            raise InputError(f"{p}: the file is empty", "the first line must be source,target,amount[,type]") from None
        cols = _check_header(p, header)
        i_s, i_t, i_a, i_y = cols["source"], cols["target"], cols["amount"], cols.get("type")
        width = max(i_s, i_t, i_a, -1 if i_y is None else i_y) + 1
        for row in reader:
            line = reader.line_num
            if not row or all(not c.strip() for c in row):
                continue
            if len(row) < width:
                need = [c for c, k in cols.items() if k >= len(row) and c in (*_REQUIRED, "type")]
                raise InputError(f"{p}:{line}: missing column(s) {', '.join(need)} in this row",
                                 f"each row needs {len(header)} comma-separated fields")
            src.append(_label(p, line, "source", row[i_s]))
            dst.append(_label(p, line, "target", row[i_t]))
            amt.append(_amount(p, line, row[i_a]))
            typ.append(row[i_y].strip() if i_y is not None and row[i_y].strip() else "services")
            lines.append(line)
    return Web.from_edges(np.asarray(src, dtype=object), np.asarray(dst, dtype=object), np.asarray(amt),
                          np.asarray(typ, dtype=object), rows=np.asarray(lines, dtype=np.int64))


def _read_parquet(p: Path) -> Web:
    try:
        import pyarrow.parquet as pq
    except ImportError:  # pragma: no cover - pyarrow is installed with the package's test extra
        raise InputError(f"{p}: reading Parquet needs pyarrow", "pip install pyarrow, or give a CSV file") from None
    try:
        table = pq.read_table(p)
    except Exception as exc:  # noqa: BLE001 - any pyarrow failure is a bad file for the user
        raise InputError(f"{p}: cannot read as Parquet: {exc}", "check that the file is a Parquet table") from None
    cols = _check_header(p, list(table.column_names))
    names = list(table.column_names)
    col = {c: table.column(names[k]).to_pylist() for c, k in cols.items() if c in (*_REQUIRED, "type")}
    lines = np.arange(2, table.num_rows + 2, dtype=np.int64)
    raw_amount = col["amount"]
    try:
        amt = np.asarray(raw_amount, dtype=np.float64)
        bad = ~np.isfinite(amt) | (amt < 0)
    except (TypeError, ValueError):
        amt, bad = None, None
    if amt is None or bad is None or bad.any() or (amt > _MAX_AMOUNT).any() or \
            ((amt > 0) & (amt < _MIN_POSITIVE)).any():
        for k, raw in enumerate(raw_amount):
            _amount(p, k + 2, raw)
    for c in ("source", "target"):
        for k, raw in enumerate(col[c]):
            if raw is None or not str(raw).strip() or len(str(raw).strip()) > _MAX_LABEL:
                _label(p, k + 2, c, raw)
    src = np.asarray([str(x).strip() for x in col["source"]], dtype=object)
    dst = np.asarray([str(x).strip() for x in col["target"]], dtype=object)
    types = col.get("type")
    typ = None if types is None else np.asarray([str(t) if t else "services" for t in types], dtype=object)
    return Web.from_edges(src, dst, np.asarray(amt, dtype=np.float64), typ, rows=lines)
