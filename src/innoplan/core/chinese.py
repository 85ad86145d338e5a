"""Chinese text helpers with no Django in them."""

from __future__ import annotations

import unicodedata

from pypinyin import Style, lazy_pinyin


def _kept(text: str) -> list[str]:
    """Outside Chinese characters: letters and digits kept in lower case, the rest dropped."""
    return [c.lower() for c in text if c.isascii() and c.isalnum()]


def pinyin_initials(text: str) -> str:
    """拼音首字母 — the first letter of each character's pinyin, in lower case, for searching
    a name by its initials: 北京智云科技有限公司 → ``bjzykjyxgs``. Latin letters and digits
    stay (as lower case, full-width ones as their ASCII forms); punctuation and spaces go."""
    text = unicodedata.normalize("NFKC", text or "")
    initials = lazy_pinyin(text, style=Style.FIRST_LETTER, errors=_kept, strict=False)
    return "".join(_kept("".join(initials)))
