"""Numbers as plan documents write them (中文数字): 三十, 两千, 一万五千, 二〇二四, 1.5万, 3.5.

No Django import here. ``read_number`` turns one written number into a Decimal; the plan's
units and 万/亿 display multipliers are the target rules' business (``targets.py``).
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation

__all__ = ["CHINESE_NUMERAL_CHARS", "read_chinese_integer", "read_number"]

_DIGITS = {
    "零": 0,
    "〇": 0,
    "○": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_SMALL_UNITS = {"十": 10, "百": 100, "千": 1000}
_LARGE_UNITS = {"万": 10_000, "亿": 100_000_000}

CHINESE_NUMERAL_CHARS = "".join(_DIGITS) + "".join(_SMALL_UNITS) + "".join(_LARGE_UNITS)
_POINT = "点"

_ARABIC = re.compile(r"\d+(?:\.\d+)?")
_ARABIC_WITH_MULTIPLIER = re.compile(r"(\d+(?:\.\d+)?)([万亿]+)")


def _below_ten_thousand(text: str) -> int:
    """一千零五 -> 1005; 十二 -> 12 (a leading 十 means one ten)."""
    total = 0
    digit: int | None = None
    for char in text:
        if char in _DIGITS:
            digit = _DIGITS[char]
        elif char in _SMALL_UNITS:
            total += (1 if digit is None else digit) * _SMALL_UNITS[char]
            digit = None
        else:
            raise ValueError(f"not a Chinese numeral: {text!r}")
    return total + (digit or 0)


def read_chinese_integer(text: str) -> int:
    """A Chinese numeral as an integer: 三十 -> 30, 两千 -> 2000, 一万五千 -> 15000,
    三十亿 -> 3000000000; a bare run of digits reads digit by digit: 二〇二四 -> 2024.

    Raises ValueError for anything else.
    """
    if not text or any(char not in CHINESE_NUMERAL_CHARS for char in text):
        raise ValueError(f"not a Chinese numeral: {text!r}")
    if len(text) > 1 and all(char in _DIGITS for char in text):
        return int("".join(str(_DIGITS[char]) for char in text))
    if "亿" in text:
        high, _, low = text.rpartition("亿")
        return read_chinese_integer(high or "一") * _LARGE_UNITS["亿"] + (
            read_chinese_integer(low) if low else 0
        )
    if "万" in text:
        high, _, low = text.rpartition("万")
        return read_chinese_integer(high or "一") * _LARGE_UNITS["万"] + (
            _below_ten_thousand(low) if low else 0
        )
    return _below_ten_thousand(text)


def read_number(text: str) -> Decimal | None:
    """One written number as a Decimal, or None when it is not one.

    Accepts Arabic digits (full-width too, thousands commas allowed), decimals, Chinese
    numerals, Chinese decimals read digit by digit after 点 (三点五 -> 3.5), and Arabic digits
    followed by 万/亿 (1.5万 -> 15000).
    """
    text = unicodedata.normalize("NFKC", text or "").strip().replace(",", "")
    if not text:
        return None
    try:
        if _ARABIC.fullmatch(text):
            return Decimal(text)
        match = _ARABIC_WITH_MULTIPLIER.fullmatch(text)
        if match:
            factor = Decimal(1)
            for char in match.group(2):
                factor *= _LARGE_UNITS[char]
            return Decimal(match.group(1)) * factor
        if _POINT in text:
            whole, _, fraction = text.partition(_POINT)
            if not whole or not fraction or any(char not in _DIGITS for char in fraction):
                return None
            digits = "".join(str(_DIGITS[char]) for char in fraction)
            return Decimal(f"{read_chinese_integer(whole)}.{digits}")
        return Decimal(read_chinese_integer(text))
    except (ValueError, InvalidOperation):
        return None
