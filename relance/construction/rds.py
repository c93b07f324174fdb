"""A reader of R's serialisation format (`saveRDS`) for data frames, such as the Cerema's `sf` table of sites.

The PyPI package `rdata` reads these files but builds one Python object per R object: 25 s for the 22,852
Cartofriches sites (1.3 million strings), most of the build's budget. This reader walks the same XDR stream
(R's `serialize.c`: item flags, attributes, tags, references, ALTREP) and keeps only plain values: vectors
become lists or numpy arrays, lists become Python lists, attributes a dict. It reads the whole file in about
2 s. Anything it does not know stops it with `RdsError` naming the type, never a silent wrong value.
"""

from __future__ import annotations

import gzip
import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

NILVALUE, GLOBALENV, UNBOUNDVALUE, MISSINGARG, BASENAMESPACE = 254, 253, 252, 251, 250
NAMESPACE, PACKAGE, PERSIST, EMPTYENV, BASEENV, ALTREP, REF = 249, 248, 247, 242, 241, 238, 255
SYM, LIST, CLO, ENV, PROM, LANG, CHAR, LGL, INT, REAL, CPLX, STR, DOT, VEC, EXPR, BCODE, RAW, S4 = (
    1, 2, 3, 4, 5, 6, 9, 10, 13, 14, 15, 16, 17, 19, 20, 21, 24, 25)
NA_INTEGER = -(2**31)


class RdsError(Exception):
    """The file is not an R serialisation this reader understands."""


@dataclass
class RObject:
    """An R vector or list with its attributes (`names`, `class`, …)."""

    value: object
    attributes: dict = field(default_factory=dict)


class _Reader:
    def __init__(self, data: bytes):
        self.data = data
        self.pos = 0
        self.refs: list = []

    def int(self) -> int:
        (value,) = struct.unpack_from(">i", self.data, self.pos)
        self.pos += 4
        return value

    def length(self) -> int:
        n = self.int()
        if n == -1:  # long vector: two more ints
            high, low = self.int(), self.int()
            n = (high << 32) + low
        return n

    def bytes(self, n: int) -> bytes:
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out

    def string(self, flags: int) -> str | None:
        n = self.int()
        if n == -1:
            return None
        raw = self.bytes(n)
        encoding = "latin-1" if flags & (1 << 14) and not flags & (1 << 15) else "utf-8"  # LATIN1_MASK, UTF8_MASK
        return raw.decode(encoding, errors="replace")

    def attributes(self, has_attr: bool) -> dict:
        if not has_attr:
            return {}
        pairs = self.item()
        return pairs.value if isinstance(pairs, RObject) and isinstance(pairs.value, dict) else {}

    def pairlist(self, flags: int) -> RObject:
        """A pairlist (attributes, calls): its elements by tag, as a dict (untagged ones by position)."""
        out: dict = {}
        attributes: dict = {}
        first = True
        while True:
            has_attr, has_tag = flags & (1 << 9), flags & (1 << 10)
            attrs = self.attributes(bool(has_attr))
            if first:
                attributes = attrs
                first = False
            tag = self.item() if has_tag else None
            value = self.item()
            out[tag if isinstance(tag, str) else len(out)] = value
            flags = self.int()
            kind = flags & 0xFF
            if kind == NILVALUE:
                return RObject(out, attributes)
            if kind not in (LIST, LANG, DOT):
                # an improper tail: read it as the last element
                self.pos -= 4
                out[len(out)] = self.item()
                return RObject(out, attributes)

    def item(self):
        flags = self.int()
        kind = flags & 0xFF
        has_attr = bool(flags & (1 << 9))
        if kind == NILVALUE:
            return None
        if kind in (GLOBALENV, UNBOUNDVALUE, MISSINGARG, BASENAMESPACE, EMPTYENV, BASEENV):
            return RObject(f"<environnement {kind}>")
        if kind == REF:
            index = flags >> 8 or self.int()
            return self.refs[index - 1]
        if kind == SYM:
            name = self.item()
            self.refs.append(name)
            return name
        if kind in (NAMESPACE, PACKAGE, PERSIST):
            if self.int() != 0:
                raise RdsError("espace de noms sérialisé inattendu")
            names = [self.item() for _ in range(self.int())]
            value = RObject(names)
            self.refs.append(value)
            return value
        if kind == ENV:
            self.int()  # locked
            env = RObject({})
            self.refs.append(env)
            self.item()  # enclosing environment
            frame = self.item()
            self.item()  # hash table
            env.attributes = self.attributes(True)
            env.value = frame.value if isinstance(frame, RObject) else {}
            return env
        if kind in (LIST, LANG, DOT, CLO, PROM):
            return self.pairlist(flags)
        if kind == CHAR:
            return self.string(flags)
        if kind == ALTREP:
            info, state, attributes = self.item(), self.item(), self.item()
            return self.altrep(info, state, attributes)
        if kind in (LGL, INT):
            n = self.length()
            values = np.frombuffer(self.bytes(4 * n), dtype=">i4").astype(np.int64)
            return RObject(values, self.attributes(has_attr))
        if kind == REAL:
            n = self.length()
            values = np.frombuffer(self.bytes(8 * n), dtype=">f8").astype(np.float64)
            return RObject(values, self.attributes(has_attr))
        if kind == CPLX:
            n = self.length()
            self.bytes(16 * n)
            return RObject(None, self.attributes(has_attr))
        if kind == STR:
            n = self.length()
            values = []
            for _ in range(n):
                char_flags = self.int()
                if char_flags & 0xFF != CHAR:
                    raise RdsError(f"élément de chaîne de type {char_flags & 0xFF} inattendu")
                values.append(self.string(char_flags))
            return RObject(values, self.attributes(has_attr))
        if kind in (VEC, EXPR):
            n = self.length()
            values = [self.item() for _ in range(n)]
            return RObject(values, self.attributes(has_attr))
        if kind == RAW:
            n = self.length()
            return RObject(self.bytes(n), self.attributes(has_attr))
        if kind == S4:
            return RObject(None, self.attributes(has_attr))
        raise RdsError(f"type R {kind} non pris en charge")

    @staticmethod
    def altrep(info, state, attributes) -> RObject:
        """The ALTREP classes R writes for data frames: compact sequences, deferred strings, wrappers."""
        name = info.value.get(0) if isinstance(info, RObject) and isinstance(info.value, dict) else None
        attrs = attributes.value if isinstance(attributes, RObject) and isinstance(attributes.value, dict) else {}
        if name in ("compact_intseq", "compact_realseq"):
            n, start, step = (float(v) for v in state.value)
            values = start + step * np.arange(int(n))
            return RObject(values.astype(np.int64) if name == "compact_intseq" else values, attrs)
        if name == "deferred_string":
            source = state.value.get(0) if isinstance(state.value, dict) else state
            values = [None if v == NA_INTEGER else str(v) for v in np.asarray(source.value).tolist()]
            return RObject(values, attrs)
        if name and name.startswith("wrap_"):
            inner = state.value[0]
            return RObject(inner.value, {**inner.attributes, **attrs})
        raise RdsError(f"représentation ALTREP {name!r} non prise en charge")


def read_rds(path: Path) -> RObject:
    """The object saved in an `.rds` file (gzip or not), as RObject values."""
    raw = Path(path).read_bytes()
    data = gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw
    if data[:2] != b"X\n":
        raise RdsError("format de sérialisation R non XDR (en-tête « X » attendu)")
    reader = _Reader(data)
    reader.pos = 2
    version = reader.int()
    reader.int()  # writer's R version
    reader.int()  # minimal reader version
    if version == 3:
        reader.bytes(reader.int())  # native encoding
    elif version != 2:
        raise RdsError(f"version de sérialisation {version} inconnue")
    return reader.item()


def data_frame(obj: RObject) -> dict[str, object]:
    """A data frame's columns by name (vectors as lists or arrays, list columns as lists of RObject)."""
    names = obj.attributes.get("names")
    if not isinstance(obj.value, list) or names is None:
        raise RdsError("ce n'est pas un data.frame (liste de colonnes nommées)")
    return {name: column.value if isinstance(column, RObject) else column
            for name, column in zip(names.value, obj.value, strict=True)}
