"""Pagefind's bundle written in one order, so that the same pages give the same bytes.

Pagefind 1.5.2 writes three kinds of file in the order its hash maps iterate, which
changes from run to run (Pagefind/pagefind#638: fragments are stable since 1.3, "other
files will still change, such as the filter/metadata indexes"):

- each filter index (`filter/<lang>_<hash>.pf_filter`): the filter's values;
- each language's metadata (`pagefind.<lang>_<hash>.pf_meta`): the list of filters,
  naming each filter index by its hash;
- `pagefind-entry.json`: the map of languages, naming each metadata file by its hash.

Each is the same data in another order, so the file's bytes, and with them the hashes
in the names, differ. `settle` sorts the values of each filter and the filters of each
metadata file, names each file by a hash of its new bytes, and writes the entry with
its languages sorted. The files are gzip-compressed CBOR behind Pagefind's signature;
only what these files hold is read (arrays, text, whole numbers). Anything else leaves
the bundle as Pagefind wrote it, which searches the same.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import logging
from pathlib import Path

logger = logging.getLogger(__name__)

SIGNATURE = b"pagefind_dcd"
ENTRY = "pagefind-entry.json"


class Unexpected(ValueError):
    """A file this module does not know how to read; the bundle is left as written."""


def settle(bundle: Path) -> None:
    """Rewrite `bundle`'s filter indexes, metadata and entry in one order."""
    entry = json.loads((bundle / ENTRY).read_text("utf-8"))
    try:
        # Worked out whole before any file changes: a file it cannot read leaves all as is.
        changes: dict[Path, tuple[Path, bytes]] = {}
        renamed: dict[str, str] = {}
        for path in sorted((bundle / "filter").glob("*.pf_filter")):
            value = _read(path)
            if not (isinstance(value, list) and len(value) == 2 and isinstance(value[1], list)):
                raise Unexpected(f"{path.name} is not [filter, values]")
            value[1].sort(key=_value_key)
            name, data = _named(path.stem.split("_")[0], value, 7)
            renamed[path.stem] = name
            changes[path] = (path.with_name(f"{name}.pf_filter"), data)
        hashes = {}
        for lang, info in entry["languages"].items():
            path = bundle / f"pagefind.{info['hash']}.pf_meta"
            name, data = _named(lang, _renamed(_read(path), renamed), 10)
            hashes[lang] = name
            changes[path] = (path.with_name(f"pagefind.{name}.pf_meta"), data)
    except (Unexpected, OSError, KeyError, TypeError, ValueError, IndexError) as exc:
        logger.debug("search: Pagefind's files left in their own order: %s", exc)
    else:
        for old, (new, data) in changes.items():
            old.unlink()
            new.write_bytes(data)
        for lang, name in hashes.items():
            entry["languages"][lang]["hash"] = name
    entry["languages"] = dict(sorted(entry["languages"].items()))
    (bundle / ENTRY).write_text(json.dumps(entry, ensure_ascii=False, separators=(",", ":")),
                                "utf-8")


def _value_key(item) -> str:
    if not (isinstance(item, list) and item and isinstance(item[0], str)):
        raise Unexpected("a filter value that is not [text, pages]")
    return item[0]


def _renamed(value, renamed: dict[str, str]):
    """`value` with each filter index's old name replaced, and lists of [filter, index]
    pairs sorted by filter."""
    if isinstance(value, str):
        return renamed.get(value, value)
    if not isinstance(value, list):
        return value
    value = [_renamed(item, renamed) for item in value]
    pairs = all(isinstance(i, list) and len(i) == 2 and all(isinstance(x, str) for x in i)
                for i in value)
    if value and pairs and any(i[1] in renamed.values() for i in value):
        value.sort()
    return value


def _read(path: Path):
    data = gzip.decompress(path.read_bytes())
    if not data.startswith(SIGNATURE):
        raise Unexpected(f"{path.name} has no Pagefind signature")
    value, end = _decode(data, len(SIGNATURE))
    if end != len(data):
        raise Unexpected(f"{path.name} has bytes after its data")
    return value


def _named(lang: str, value, digits: int) -> tuple[str, bytes]:
    """`value` as Pagefind's compressed file, and the name Pagefind's files give it:
    the language and a hash of the bytes ("en_1a2b3c4")."""
    data = gzip.compress(SIGNATURE + _encode(value), compresslevel=9, mtime=0)
    return f"{lang}_{hashlib.sha256(data).hexdigest()[:digits]}", data


# -- the part of CBOR (RFC 8949) these files use ---------------------------------------

def _decode(data: bytes, at: int) -> tuple[object, int]:
    head = data[at]
    major, info = head >> 5, head & 0x1F
    at += 1
    if info < 24:
        arg = info
    elif info in (24, 25, 26, 27):
        size = 1 << (info - 24)
        arg = int.from_bytes(data[at:at + size], "big")
        at += size
    else:
        raise Unexpected(f"CBOR head {head:#x}")
    if major == 0:
        return arg, at
    if major in (2, 3):
        raw = data[at:at + arg]
        return (raw.decode("utf-8") if major == 3 else raw), at + arg
    if major == 4:
        items = []
        for _ in range(arg):
            item, at = _decode(data, at)
            items.append(item)
        return items, at
    raise Unexpected(f"CBOR major type {major}")


def _head(major: int, arg: int) -> bytes:
    if arg < 24:
        return bytes([major << 5 | arg])
    for info, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if arg < 1 << (8 * size):
            return bytes([major << 5 | info]) + arg.to_bytes(size, "big")
    raise Unexpected(f"number too large: {arg}")


def _encode(value) -> bytes:
    if isinstance(value, bool):
        raise Unexpected("a boolean")
    if isinstance(value, int) and value >= 0:
        return _head(0, value)
    if isinstance(value, bytes):
        return _head(2, len(value)) + value
    if isinstance(value, str):
        raw = value.encode("utf-8")
        return _head(3, len(raw)) + raw
    if isinstance(value, list):
        return _head(4, len(value)) + b"".join(_encode(item) for item in value)
    raise Unexpected(f"a value of type {type(value).__name__}")

