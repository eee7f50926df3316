"""Domain layer: Integer-only randomness for the simulated market (docs/decisions.md "Mock exchange").

Every random number the market uses is a pure function of (seed, symbol, what, index):
``stream(...)`` names a BLAKE2b counter-mode stream after those, so a value never
depends on the order in which things were computed, on the platform's floating point,
or on when the server started. Draws come in bulk (``normals(k)``, ``words(k)``) because
splitting a minute into 60 seconds is the hot path; only integer arithmetic is used.
"""

from __future__ import annotations

import hashlib
import struct

# ``normal()`` / ``normals()`` return approximately standard normal values x UNIT.
UNIT = 1 << 16
_BLOCK_WORDS = 32  # 16-bit words per 64-byte BLAKE2b block
_WORDS = struct.Struct(f"<{_BLOCK_WORDS}H")
_IH_MEAN = 2 * 0xFFFF  # mean of the sum of four 16-bit uniforms
_IH_SD_NUM, _IH_SD_DEN = 37837, 65536  # its sd (65536 * sqrt(1/3)) relative to UNIT


class Stream:
    """Deterministic 16-bit words: BLAKE2b(name, block counter), read in order."""

    __slots__ = ("_blocks", "_name", "_pos", "_words")

    def __init__(self, name: bytes) -> None:
        self._name = name
        self._blocks = 0
        self._words: list[int] = []
        self._pos = 0

    def _ensure(self, count: int) -> None:
        missing = self._pos + count - len(self._words)
        while missing > 0:
            digest = hashlib.blake2b(
                self._name, digest_size=64, salt=self._blocks.to_bytes(16, "little")
            ).digest()
            self._words.extend(_WORDS.unpack(digest))
            self._blocks += 1
            missing -= _BLOCK_WORDS

    def words(self, count: int) -> list[int]:
        """``count`` uniform integers in [0, 65536)."""
        self._ensure(count)
        start = self._pos
        self._pos += count
        return self._words[start : self._pos]

    def below(self, n: int) -> int:
        """Uniform integer in [0, n) from 48 bits; the modulo bias is negligible here."""
        a, b, c = self.words(3)
        return ((a << 32) | (b << 16) | c) % n

    def normals(self, count: int) -> list[int]:
        """``count`` draws of about N(0, 1) x UNIT: Irwin-Hall sums of four 16-bit words.

        They are bounded by +-3.46 sd; that is a feature: sums of them stay bounded,
        which keeps long price paths plausible.
        """
        self._ensure(4 * count)
        w = self._words
        start = self._pos
        self._pos += 4 * count
        return [
            (w[i] + w[i + 1] + w[i + 2] + w[i + 3] - _IH_MEAN) * _IH_SD_DEN // _IH_SD_NUM
            for i in range(start, self._pos, 4)
        ]

    def normal(self) -> int:
        return self.normals(1)[0]


def _name(seed: int, parts: tuple[int | str, ...]) -> bytes:
    return "\x1f".join([str(seed), *map(str, parts)]).encode()


def seed_of(seed: int, *parts: int | str) -> int:
    """A 64-bit number fixed by the seed and ``parts`` (for choices made once)."""
    return int.from_bytes(hashlib.blake2b(_name(seed, parts), digest_size=8).digest(), "big")


def stream(seed: int, *parts: int | str) -> Stream:
    return Stream(_name(seed, parts))
