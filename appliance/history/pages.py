"""Rows read straight from a SQLite file's pages, for the parts of a damaged history SQLite cannot reach.

SQLite refuses a whole file whose 100-byte header is garbage ("file is not a database") or whose
first page (its list of tables) is damaged, and loses every row below a damaged b-tree page,
though the pages that hold the rows are intact.  This reads the file format
(https://www.sqlite.org/fileformat2.html) itself: the -wal's committed pages over the file's, each
table's b-tree from its root where the list of tables still reads, and every other table leaf
page (not on the free list) by the shape of its rows.  Pure Python and read-only: Python's
sqlite3 offers no recovery API (SQLite's is an extension of its command-line shell).
"""

from __future__ import annotations

import logging
import struct
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)
MAGIC = b"SQLite format 3\x00"
PAGE_SIZES = (4096, 1024, 2048, 8192, 16384, 32768, 65536, 512)  # the appliance's (SQLite's default) first
TABLE_LEAF, TABLE_INTERIOR = 13, 5
PAGE_TYPES = (2, 5, 10, 13)  # index interior, table interior, index leaf, table leaf
WAL_MAGIC = (0x377F0682, 0x377F0683)  # checksums little- or big-endian
MOST_OVERFLOW = 10_000  # pages in one row's overflow chain: beyond it the chain loops (damage)


@dataclass(frozen=True)
class Column:
    name: str
    affinity: str  # INTEGER, REAL, TEXT, BLOB or NUMERIC (SQLite's rules from the declared type)
    not_null: bool
    is_rowid: bool  # INTEGER PRIMARY KEY: stored as the row's key, NULL in its record


def affinity(declared: str) -> str:
    kind = declared.upper()
    if "INT" in kind:
        return "INTEGER"
    if any(word in kind for word in ("CHAR", "CLOB", "TEXT")):
        return "TEXT"
    if "BLOB" in kind or not kind:
        return "BLOB"
    return "REAL" if any(word in kind for word in ("REAL", "FLOA", "DOUB")) else "NUMERIC"


class Image:
    """A database file's pages by number (1-based), the -wal's last committed pages applied."""

    def __init__(self, path: Path) -> None:
        data = Path(path).read_bytes()
        wal_size, wal_pages = _wal_pages(Path(f"{path}-wal"))
        size = int.from_bytes(data[16:18], "big") if data[:16] == MAGIC else 0
        size = 65536 if size == 1 else size
        if size not in PAGE_SIZES:
            size = wal_size or _guess_page_size(data)
        self.size = size
        self.pages = {n + 1: data[n * size : (n + 1) * size] for n in range(len(data) // size)}
        self.pages.update(wal_pages if wal_size == size else {})
        page1 = self.pages.get(1, b"")  # the -wal's copy, if it has one, is the newer
        self.header_ok = page1[:16] == MAGIC and len(page1) > 100
        self.usable = size - (page1[20] if self.header_ok else 0)

    def header(self, page: int) -> tuple[int, int, int, int] | None:
        """(type, cells, where its cell pointers start, right-most child) of a b-tree page; None: not one."""
        data = self.pages.get(page)
        start = 100 if page == 1 else 0
        if data is None or len(data) < start + 12 or data[start] not in PAGE_TYPES:
            return None
        kind, cells = data[start], int.from_bytes(data[start + 3 : start + 5], "big")
        content = int.from_bytes(data[start + 5 : start + 7], "big") or 65536
        size = 12 if kind in (2, 5) else 8
        pointers = start + size
        if pointers + 2 * cells > min(content, self.usable) or content > self.usable:
            return None
        right = int.from_bytes(data[start + 8 : start + 12], "big") if size == 12 else 0
        return kind, cells, pointers, right

    def cells(self, page: int) -> list[int]:
        kind, cells, pointers, _right = self.header(page)
        data = self.pages[page]
        offsets = [int.from_bytes(data[pointers + 2 * i : pointers + 2 * i + 2], "big") for i in range(cells)]
        return [offset for offset in offsets if pointers + 2 * cells <= offset < self.usable]

    def leaves(self, root: int, skip: set[int]) -> list[int]:
        """The table leaf pages under ``root`` that read, none of ``skip`` (a bad interior page loses only
        what is below it)."""
        found, todo, seen = [], [root], set(skip)
        while todo:
            page = todo.pop()
            header = self.header(page) if page not in seen else None
            if header is None:
                continue
            seen.add(page)
            if header[0] == TABLE_LEAF:
                found.append(page)
            elif header[0] == TABLE_INTERIOR:
                data = self.pages[page]
                todo += [int.from_bytes(data[at : at + 4], "big") for at in self.cells(page)] + [header[3]]
        return sorted(found)

    def rows(self, page: int) -> list[tuple[int, list]]:
        """(rowid, values) of every cell of a table leaf page that reads whole."""
        rows = []
        for offset in self.cells(page):
            try:
                rows.append(self._row(self.pages[page], offset))
            except (ValueError, IndexError, KeyError, UnicodeDecodeError, struct.error):
                continue  # a damaged cell: its neighbours still read
        return rows

    def _row(self, data: bytes, offset: int) -> tuple[int, list]:
        length, offset = _varint(data, offset)
        rowid, offset = _varint(data, offset)
        rowid = rowid - (1 << 64) if rowid >= 1 << 63 else rowid
        usable = self.usable
        most = usable - 35
        if length <= most:
            payload = data[offset : offset + length]
        else:  # the rest of the row is on a chain of overflow pages
            least = (usable - 12) * 32 // 255 - 23
            local = least + (length - least) % (usable - 4)
            local = local if local <= most else least
            payload = bytearray(data[offset : offset + local])
            following = int.from_bytes(data[offset + local : offset + local + 4], "big")
            for _ in range(MOST_OVERFLOW):
                if len(payload) >= length or not following:
                    break
                chunk = self.pages[following]
                payload += chunk[4:usable]
                following = int.from_bytes(chunk[:4], "big")
            payload = bytes(payload[:length])
        if len(payload) != length:
            raise ValueError("row cut short")
        return rowid, _record(payload)

    def free_pages(self) -> set[int]:
        """The pages on the free list (what they hold was deleted); none known without the header."""
        if not self.header_ok:
            return set()
        page1 = self.pages.get(1, b"")
        trunk, free, todo = int.from_bytes(page1[32:36], "big"), set(), int.from_bytes(page1[36:40], "big")
        while trunk and trunk not in free and trunk in self.pages and len(free) <= todo:
            data = self.pages[trunk]
            free.add(trunk)
            count = min(int.from_bytes(data[4:8], "big"), (self.usable - 8) // 4)
            free.update(int.from_bytes(data[8 + 4 * i : 12 + 4 * i], "big") for i in range(count))
            trunk = int.from_bytes(data[:4], "big")
        return free


def read_tables(path: Path, tables: dict[str, list[Column]]) -> dict[str, dict[int, list]]:
    """{table: {rowid: values}}: every row of ``tables`` the file's pages still hold, its INTEGER PRIMARY
    KEY filled in; a row written before a column was added is shorter (that column's default applies).
    Tables are found from the file's list of tables where it reads; a leaf page no list reaches (its
    parent damaged, or the list itself) goes to the one table whose columns its rows fit, if exactly one."""
    image = Image(path)
    seen = image.free_pages()
    roots = _roots(image, seen)
    found: dict[str, dict[int, list]] = {table: {} for table in tables}
    for table, root in roots.items():
        if table in tables:
            for page in image.leaves(root, seen):
                rows = image.rows(page)
                if any(_fits(values, tables[table]) for _rowid, values in rows):
                    seen.add(page)  # a page a damaged parent points to wrongly is left to be found by its shape
                    _keep(found[table], rows, tables[table])
    orphans = 0
    for page in sorted(set(image.pages) - seen):
        header = image.header(page)
        if header is None or header[0] != TABLE_LEAF:
            continue
        rows = image.rows(page)
        table = _fitting_table(rows, tables)
        if table is not None:
            orphans += 1
            _keep(found[table], rows, tables[table], replace=False)
    log.info("read the pages of %s (page size %d, header %s): %d list-reached tables, %d leaf pages found by shape",
             path, image.size, "whole" if image.header_ok else "damaged", len(roots), orphans)  # fmt: skip
    return found


def _roots(image: Image, seen: set[int]) -> dict[str, int]:
    """Each table's root page from the list of tables (page 1's b-tree, or its leaves found by shape)."""
    pages = [page for page in image.leaves(1, seen) if _schema_rows(image, page)]
    if not pages:  # page 1 is damaged: the list's other leaf pages, if it had several
        pages = [page for page in set(image.pages) - seen if _schema_rows(image, page)]
    seen.update(pages)
    schema = [row for page in pages for row in image.rows(page)]
    return {values[1]: values[3] for _rowid, values in schema if _is_schema_row(values) and values[0] == "table"}


def _schema_rows(image: Image, page: int) -> list[tuple[int, list]]:
    header = image.header(page)
    if header is None or header[0] != TABLE_LEAF:
        return []
    rows = image.rows(page)
    return rows if rows and all(_is_schema_row(values) for _rowid, values in rows) else []


def _is_schema_row(values: list) -> bool:
    return (len(values) == 5 and values[0] in ("table", "index", "view", "trigger") and isinstance(values[1], str)
            and isinstance(values[3], int))  # fmt: skip


def _keep(found: dict[int, list], rows, columns: list[Column], *, replace: bool = True) -> None:
    """Rows that fit the table's columns, by rowid: one reached from the list wins over one found by shape
    (a page the list no longer reaches may be an older copy of the same rows)."""
    key = next((i for i, column in enumerate(columns) if column.is_rowid), None)
    for rowid, values in rows:
        if _fits(values, columns) and (replace or rowid not in found):
            if key is not None and key < len(values):
                values = [*values[:key], rowid, *values[key + 1 :]]
            found[rowid] = values


def _fitting_table(rows, tables: dict[str, list[Column]]) -> str | None:
    if not rows:
        return None
    fitting = [name for name, columns in tables.items() if all(_fits(values, columns) for _rowid, values in rows)]
    if len(fitting) > 1:  # rows as long as a table's columns say more than a shorter, older row would
        fitting = [name for name in fitting if all(len(values) == len(tables[name]) for _rowid, values in rows)]
    return fitting[0] if len(fitting) == 1 else None


KINDS = {"INTEGER": (int, float), "NUMERIC": (int, float), "REAL": (int, float), "TEXT": str}  # what each stores


def _fits(values: list, columns: list[Column]) -> bool:
    if not values or len(values) > len(columns):
        return False
    for value, column in zip(values, columns, strict=False):
        if column.is_rowid:
            if value is not None:
                return False
        elif value is None:
            if column.not_null:
                return False
        elif not isinstance(value, KINDS.get(column.affinity, object)):
            return False
    return True


def _varint(data: bytes, offset: int) -> tuple[int, int]:
    value = 0
    for i in range(9):
        byte = data[offset + i]
        if i == 8:
            return (value << 8) | byte, offset + 9
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value, offset + i + 1
    raise ValueError("varint")  # not reached


INT_SIZES = {1: 1, 2: 2, 3: 3, 4: 4, 5: 6, 6: 8}


def _record(payload: bytes) -> list:
    """A record's values (https://www.sqlite.org/fileformat2.html#record_format); ValueError if it does
    not read whole: text must be UTF-8 and the values must end exactly where the payload does."""
    size, at = _varint(payload, 0)
    if size > len(payload):
        raise ValueError("record header")
    types = []
    while at < size:
        kind, at = _varint(payload, at)
        types.append(kind)
    if at != size:
        raise ValueError("record header")
    values = []
    for kind in types:
        if kind == 0:
            values.append(None)
        elif kind in INT_SIZES:
            width = INT_SIZES[kind]
            values.append(int.from_bytes(payload[at : at + width], "big", signed=True))
            at += width
        elif kind == 7:
            values.append(struct.unpack(">d", payload[at : at + 8])[0])
            at += 8
        elif kind in (8, 9):
            values.append(kind - 8)
        elif kind >= 12:
            width = (kind - 12) // 2
            chunk = payload[at : at + width]
            values.append(chunk.decode("utf-8") if kind % 2 else bytes(chunk))
            at += width
        else:
            raise ValueError("reserved serial type")
        if at > len(payload):
            raise ValueError("record cut short")
    if at != len(payload):
        raise ValueError("record length")
    return values


def _guess_page_size(data: bytes) -> int:
    """The page size under which most of the file reads as b-tree pages (the header that says it is gone)."""

    def score(size: int) -> int:
        starts = range(size, len(data) - 8, size)
        good = sum(data[start] in PAGE_TYPES and _plausible(data, start, size) for start in starts)
        return 2 * good - len(starts)

    return max(PAGE_SIZES, key=score)


def _plausible(data: bytes, start: int, size: int) -> bool:
    cells = int.from_bytes(data[start + 3 : start + 5], "big")
    content = int.from_bytes(data[start + 5 : start + 7], "big") or 65536
    return 8 + 2 * cells <= content <= size


def _wal_pages(path: Path) -> tuple[int, dict[int, bytes]]:
    """(page size, {page: its newest committed image}) from a -wal file; (0, {}) if there is none that reads.
    Frames are taken while their salts and running checksum hold, up to the last commit among them."""
    try:
        data = path.read_bytes()
    except OSError:
        return 0, {}
    if len(data) < 32:
        return 0, {}
    magic, _version, size, _sequence, salt1, salt2 = struct.unpack(">6I", data[:24])
    if magic not in WAL_MAGIC or size not in PAGE_SIZES and size != 1:
        return 0, {}
    size = 65536 if size == 1 else size
    order = ">" if magic & 1 else "<"
    sums = _checksum(data[:24], (0, 0), order)
    if sums != struct.unpack(">2I", data[24:32]):
        return 0, {}
    pages, pending, at = {}, {}, 32
    while at + 24 + size <= len(data):
        page, committed, frame_salt1, frame_salt2, sum1, sum2 = struct.unpack(">6I", data[at : at + 24])
        sums = _checksum(data[at : at + 8] + data[at + 24 : at + 24 + size], sums, order)
        if (frame_salt1, frame_salt2) != (salt1, salt2) or sums != (sum1, sum2):
            break
        pending[page] = data[at + 24 : at + 24 + size]
        if committed:
            pages.update(pending)
            pending = {}
        at += 24 + size
    return size, pages


def _checksum(data: bytes, sums: tuple[int, int], order: str) -> tuple[int, int]:
    first, second = sums
    words = struct.unpack(f"{order}{len(data) // 4}I", data)
    for i in range(0, len(words), 2):
        first = (first + words[i] + second) & 0xFFFFFFFF
        second = (second + words[i + 1] + first) & 0xFFFFFFFF
    return first, second
