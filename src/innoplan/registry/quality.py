"""数据质量 — what in a register keeps its figures from being right, for its stewards: records
carrying a warning (a credit code that fails its check character), records that look like the
same one entered twice (same name once the usual legal-form words are set aside), and records
without the start date that makes them count. No Django here: the selector hands in the rows.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

# Words that make two names of one organisation look different: legal forms and a region
# in brackets, as the same enterprise is often typed with or without them.
_LEGAL_FORMS = (
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "集团公司",
    "集团",
    "公司",
)
_BRACKETED = re.compile(r"[（(][^）)]*[）)]")
_NOISE = re.compile(r"[\s·.,，。、\-—_]+")


def name_key(name: str) -> str:
    """A name as it is compared for suspected duplicates."""
    key = _BRACKETED.sub("", name or "")
    key = _NOISE.sub("", key).lower()
    for form in _LEGAL_FORMS:  # the longest form first: 有限责任公司 before 公司
        if key.endswith(form):
            if len(key) > len(form):
                key = key[: -len(form)]
            break
    return key


def suspected_duplicates(rows: Iterable[tuple[int, str]]) -> list[list[int]]:
    """Groups of record ids whose names compare alike, each group in id order, the groups in
    the order of their first id; a name alone is no group."""
    groups: dict[str, list[int]] = defaultdict(list)
    for pk, name in rows:
        key = name_key(name)
        if key:
            groups[key].append(pk)
    found = [sorted(ids) for ids in groups.values() if len(ids) > 1]
    return sorted(found, key=lambda ids: ids[0])
