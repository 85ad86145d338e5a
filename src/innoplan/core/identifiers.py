"""Identifiers the registers hold, checked as plain rules. No Django import here.

- 统一社会信用代码 — unified social credit code (GB 32100-2015), with the organisation code
  inside it (GB 11714-1997);
- 居民身份证号码 — resident ID card number (GB 11643-1999), and the other documents a person
  may be registered by: 护照 (passport), 港澳居民来往内地通行证, 台湾居民来往大陆通行证,
  外国人永久居留身份证 and 港澳台居民居住证 (``personal_id_findings``, by kind);
- 专利申请号 — Chinese patent application number (the 12-digit form since October 2003, the
  8-digit form before).

Each ``*_findings`` function returns every problem it sees, so that an import can report them
all for a cell at once: an error makes the value unusable, a warning asks a data steward to
confirm it. ``*_problem`` gives the first error only, for a form field. Messages are short
English phrases without a subject (the caller names the column); each Finding keeps its
template and values too, the template marked for ``makemessages``, so the caller translates
with ``finding.render(gettext)``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Literal

Severity = Literal["error", "warning"]


def gettext_noop(message: str) -> str:
    """Mark a message for ``makemessages`` (which finds it by this name) without importing
    Django; the caller translates it when it renders the finding."""
    return message


@dataclass(frozen=True)
class Finding:
    """One problem with an identifier: an error makes it unusable, a warning asks a person to
    confirm it. ``message`` is the English text; ``template`` and ``params`` let the caller
    translate it."""

    severity: Severity
    message: str
    template: str = ""
    params: tuple[tuple[str, str], ...] = ()

    def render(self, translate: Callable[[str], str] | None = None) -> str:
        """The message in the caller's language: ``finding.render(gettext)``."""
        if translate is None:
            return self.message
        if not self.template:
            return translate(self.message)
        return translate(self.template) % dict(self.params)


def _finding(severity: Severity, template: str, **params: object) -> Finding:
    values = {name: str(value) for name, value in params.items()}
    message = template % values if values else template
    return Finding(severity, message, template, tuple(values.items()))


def _error(template: str, **params: object) -> Finding:
    return _finding("error", template, **params)


def _warning(template: str, **params: object) -> Finding:
    return _finding("warning", template, **params)


def _first_error(findings: list[Finding]) -> str | None:
    return next((f.message for f in findings if f.severity == "error"), None)


# Full-width forms (as typed with a Chinese input method) become ASCII, ASCII letters upper
# case; '。' is how a Chinese keyboard types the dot of a patent number.
_CLEAN_TABLE = str.maketrans(
    {
        **{code: chr(code - 0xFEE0).upper() for code in range(0xFF01, 0xFF5F)},
        **{code: chr(code).upper() for code in range(ord("a"), ord("z") + 1)},
        ord("。"): ".",
    }
)


def _clean(text: str) -> str:
    """Full-width to ASCII, upper case, without spaces or invisible format characters (the
    zero-width spaces and byte-order marks that Excel cells carry). Touches nothing else, so
    that applying it twice changes nothing more."""
    text = text.translate(_CLEAN_TABLE)
    if text.isascii() and text.isalnum():
        return text  # the usual case: nothing to strip
    return "".join(c for c in text if not c.isspace() and unicodedata.category(c) != "Cf")


def _outside(text: str, allowed: str, positions: range | None = None) -> list[tuple[int, str]]:
    """(1-based position, character) of each character not in ``allowed``."""
    indexes = positions if positions is not None else range(len(text))
    return [(i + 1, text[i]) for i in indexes if text[i] not in allowed]


def _describe(bad: list[tuple[int, str]]) -> str:
    return ", ".join(f"'{c}' (position {p})" for p, c in bad)


DIGITS = "0123456789"


# --- 统一社会信用代码 -------------------------------------------------------------------

# The 31 characters a credit code is written in (no I, O, S, V, Z); a character's index here is
# its value in the check-character sum.
CREDIT_CODE_CHARACTERS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_CODE_VALUES = {c: i for i, c in enumerate(CREDIT_CODE_CHARACTERS)}
# 3**i mod 31, as the standard tabulates them.
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

# Position 1, the registration authority, and the organisation categories (position 2) that
# authority registers, as the code table of GB 32100 lists them.
CREDIT_CODE_CATEGORIES: dict[str, str] = {
    "1": "1239",  # 机构编制: 机关, 事业单位, 中央编办直接管理机构编制的群众团体, 其他
    "2": "19",  # 外交: 外国常驻新闻机构, 其他
    "3": "123459",  # 司法行政: 律师执业机构, 公证处, 基层法律服务所, 司法鉴定机构, 仲裁委员会, 其他
    "4": "19",  # 文化: 外国在华文化中心, 其他
    "5": "1239",  # 民政: 社会团体, 民办非企业单位, 基金会, 其他
    "6": "129",  # 旅游: 外国旅游部门常驻代表机构, 港澳台地区旅游部门常驻内地（大陆）代表机构, 其他
    "7": "129",  # 宗教: 宗教活动场所, 宗教院校, 其他
    "8": "19",  # 工会: 基层工会, 其他
    "9": "123",  # 工商 (now 市场监管): 企业, 个体工商户, 农民专业合作社
    "A": "19",  # 中央军委改革和编制办公室: 军队事业单位, 其他
    "N": "1239",  # 农业: 组级, 村级, 乡镇级集体经济组织, 其他
    "Y": "1",  # 其他: not divided into categories, always 1
}

# The organisation code (GB 11714) counts letters A=10 … Z=35 over the whole alphabet.
_ORGANISATION_CODE_CHARACTERS = DIGITS + "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ORGANISATION_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def normalise_credit_code(code: str) -> str:
    """Upper case, ASCII, without spaces: '9111 0000 8021 0043 3b' -> '91110000802100433B'."""
    return _clean(code)


def credit_code_check_character(first17: str) -> str:
    """The check character (position 18) for the first 17 characters of a credit code."""
    first17 = normalise_credit_code(first17)
    if len(first17) != 17 or _outside(first17, CREDIT_CODE_CHARACTERS):
        raise ValueError(f"not 17 credit-code characters: {first17!r}")
    total = sum(
        _CREDIT_CODE_VALUES[c] * w for c, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_CHARACTERS[(31 - total % 31) % 31]


def organisation_code_check_character(first8: str) -> str:
    """The check character of an organisation code (GB 11714) for its first 8 characters:
    11 - (weighted sum mod 11), where 10 is written 'X' and 11 is '0'."""
    first8 = _clean(first8)
    if len(first8) != 8 or _outside(first8, _ORGANISATION_CODE_CHARACTERS):
        raise ValueError(f"not 8 organisation-code characters: {first8!r}")
    total = sum(
        _ORGANISATION_CODE_CHARACTERS.index(c) * w
        for c, w in zip(first8, _ORGANISATION_CODE_WEIGHTS, strict=True)
    )
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def credit_code_findings(code: str) -> list[Finding]:
    """What is wrong with a 统一社会信用代码, position by position.

    Structure problems are errors. A wrong check character (position 18) or organisation-code
    check character (position 17) is a warning only: codes issued in pilot regions before the
    standard fail the check, so a data steward confirms them against the licence.
    """
    code = normalise_credit_code(code)
    if not code:
        return [_error(gettext_noop("is empty"))]
    if len(code) != 18:
        return [
            _error(
                gettext_noop("has %(length)s characters; a credit code has 18"), length=len(code)
            )
        ]
    findings = []
    bad = _outside(code, CREDIT_CODE_CHARACTERS)
    if bad:
        findings.append(
            _error(
                gettext_noop(
                    "not allowed: %(characters)s; a credit code uses 0-9 and A-Z"
                    " except I, O, S, V, Z"
                ),
                characters=_describe(bad),
            )
        )
    bad_positions = {position for position, _ in bad}
    authority, category, division = code[0], code[1], code[2:8]
    if 1 not in bad_positions and authority not in CREDIT_CODE_CATEGORIES:
        findings.append(
            _error(
                gettext_noop(
                    "registration authority code '%(authority)s' (position 1) is not one"
                    " GB 32100 defines (%(known)s)"
                ),
                authority=authority,
                known=", ".join(CREDIT_CODE_CATEGORIES),
            )
        )
    elif (
        authority in CREDIT_CODE_CATEGORIES
        and 2 not in bad_positions
        and category not in CREDIT_CODE_CATEGORIES[authority]
    ):
        findings.append(
            _error(
                gettext_noop(
                    "organisation category '%(category)s' (position 2) is not valid for"
                    " registration authority '%(authority)s' (allowed: %(allowed)s)"
                ),
                category=category,
                authority=authority,
                allowed=", ".join(CREDIT_CODE_CATEGORIES[authority]),
            )
        )
    if not bad_positions & set(range(3, 9)) and _outside(division, DIGITS):
        findings.append(
            _error(
                gettext_noop(
                    "administrative division code '%(division)s' (positions 3-8) must be 6 digits"
                ),
                division=division,
            )
        )
    if bad:
        return findings  # the checks are not defined over characters outside the set
    expected = organisation_code_check_character(code[8:16])
    if code[16] != expected:
        findings.append(
            _warning(
                gettext_noop(
                    "organisation-code check character (position 17) is '%(found)s',"
                    " expected '%(expected)s'"
                ),
                found=code[16],
                expected=expected,
            )
        )
    expected = credit_code_check_character(code[:17])
    if code[17] != expected:
        findings.append(
            _warning(
                gettext_noop(
                    "check character (position 18) is '%(found)s', expected '%(expected)s'"
                ),
                found=code[17],
                expected=expected,
            )
        )
    return findings


def credit_code_problem(code: str) -> str | None:
    """Why a 统一社会信用代码 is not valid (GB 32100-2015), or None when it is. Warnings (a
    check character that does not match) do not count."""
    return _first_error(credit_code_findings(code))


# --- 居民身份证号码 ---------------------------------------------------------------------

# 2**(17-i) mod 11; the check character is this table indexed by the weighted sum mod 11.
ID_CARD_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CARD_CHECK_CHARACTERS = "10X98765432"
_EARLIEST_BIRTH = date(1900, 1, 1)


def normalise_id_card(number: str) -> str:
    """Upper case (a check 'x' becomes 'X'), ASCII, without spaces."""
    return _clean(number)


def id_card_check_character(first17: str) -> str:
    """The check character (position 18) for the first 17 digits of an ID card number."""
    first17 = normalise_id_card(first17)
    if len(first17) != 17 or _outside(first17, DIGITS):
        raise ValueError(f"not 17 digits: {first17!r}")
    total = sum(int(c) * w for c, w in zip(first17, ID_CARD_WEIGHTS, strict=True))
    return _ID_CARD_CHECK_CHARACTERS[total % 11]


def id_card_findings(number: str, *, today: date | None = None) -> list[Finding]:
    """What is wrong with a 居民身份证号码 (GB 11643-1999); every finding is an error."""
    number = normalise_id_card(number)
    today = today or date.today()
    if not number:
        return [_error(gettext_noop("is empty"))]
    if len(number) == 15 and not _outside(number, DIGITS):
        return [_error(gettext_noop("is the old 15-digit form; the 18-character number is needed"))]
    if len(number) != 18:
        return [
            _error(
                gettext_noop("has %(length)s characters; an ID card number has 18"),
                length=len(number),
            )
        ]
    bad = _outside(number, DIGITS, range(17)) + _outside(number, DIGITS + "X", range(17, 18))
    if bad:
        return [
            _error(
                gettext_noop(
                    "not allowed: %(characters)s; an ID card number is 17 digits and a check"
                    " character 0-9 or X"
                ),
                characters=_describe(bad),
            )
        ]
    findings = []
    if number[0] == "0":
        findings.append(
            _error(
                gettext_noop("region code '%(region)s' (positions 1-6) cannot start with 0"),
                region=number[:6],
            )
        )
    digits = number[6:14]
    try:
        birth = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        findings.append(
            _error(
                gettext_noop("birth date '%(birth)s' (positions 7-14) is not a real date"),
                birth=digits,
            )
        )
    else:
        if birth < _EARLIEST_BIRTH:
            findings.append(
                _error(gettext_noop("birth date %(birth)s is before 1900"), birth=birth)
            )
        elif birth > today:
            findings.append(
                _error(gettext_noop("birth date %(birth)s is in the future"), birth=birth)
            )
    findings.extend(_check_character_findings(number))
    return findings


def _check_character_findings(number: str) -> list[Finding]:
    """The 18th character against the GB 11643 check over the first 17 (an ID card, and the
    18-character permanent residence card)."""
    expected = id_card_check_character(number[:17])
    if number[17] == expected:
        return []
    return [
        _error(
            gettext_noop("check character (position 18) is '%(found)s', expected '%(expected)s'"),
            found=number[17],
            expected=expected,
        )
    ]


def id_card_problem(number: str, *, today: date | None = None) -> str | None:
    """Why a 居民身份证号码 is not valid, or None when it is."""
    return _first_error(id_card_findings(number, today=today))


def mask_id_card(number: str) -> str:
    """The number as shown to those who may not see it: the first and last 4 characters,
    the rest as '*' ('1101**********1234'). Anything shorter than the old 15-digit form is
    masked whole, since 4 + 4 characters would give most of it away."""
    number = normalise_id_card(number)
    if len(number) < 15:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


# --- 其他身份证件 — the other documents a person is registered by -------------------------

# The codes under which a person's document kind is stored (``registry.choices.IdKind``).
ID_CARD = "id_card"  # 居民身份证
PASSPORT = "passport"  # 护照
HK_MACAO_PERMIT = "hk_macao_permit"  # 港澳居民来往内地通行证 (回乡证)
TAIWAN_PERMIT = "taiwan_permit"  # 台湾居民来往大陆通行证 (台胞证)
PERMANENT_RESIDENCE = "permanent_residence"  # 外国人永久居留身份证
RESIDENCE_PERMIT = "residence_permit"  # 港澳台居民居住证

# A 港澳台居民居住证 number is an ID card number with the address code 810000 (Hong Kong),
# 820000 (Macao) or 830000 (Taiwan); a 2023 外国人永久居留身份证 number starts with 9. Neither
# is a mainland resident's, whose numbers start with a province code 1-6.
RESIDENCE_PERMIT_PREFIXES = ("81", "82", "83")
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def mainland_id_card_findings(number: str, *, today: date | None = None) -> list[Finding]:
    """What is wrong with a 居民身份证号码 given as a mainland resident's: the GB 11643 checks,
    and not the number of a residence permit or a permanent residence card, which pass them
    too but belong under their own kind."""
    number = normalise_id_card(number)
    findings = id_card_findings(number, today=today)
    if len(number) == 18 and number.startswith(RESIDENCE_PERMIT_PREFIXES):
        findings.insert(
            0,
            _error(
                gettext_noop(
                    "starts with %(prefix)s, as a residence permit for Hong Kong, Macao and"
                    " Taiwan residents does; choose that document type"
                ),
                prefix=number[:2],
            ),
        )
    elif len(number) == 18 and number.startswith("9"):
        findings.insert(
            0,
            _error(
                gettext_noop(
                    "starts with 9, as a foreigner's permanent residence ID card does; choose"
                    " that document type"
                )
            ),
        )
    return findings


def passport_findings(number: str, *, today: date | None = None) -> list[Finding]:
    """What is wrong with a 护照 number: 5 to 17 letters and digits (no country writes it
    otherwise; the issuing country is not checked)."""
    number = _clean(number)
    if not number:
        return [_error(gettext_noop("is empty"))]
    bad = _outside(number, DIGITS + _LETTERS)
    if bad:
        return [
            _error(
                gettext_noop(
                    "not allowed: %(characters)s; a passport number is letters and digits"
                ),
                characters=_describe(bad),
            )
        ]
    if not 5 <= len(number) <= 17:
        return [
            _error(
                gettext_noop("has %(length)s characters; a passport number has 5 to 17"),
                length=len(number),
            )
        ]
    return []


def hk_macao_permit_findings(number: str, *, today: date | None = None) -> list[Finding]:
    """What is wrong with a 港澳居民来往内地通行证 (回乡证) number: H (Hong Kong) or M (Macao)
    and 8 digits, as on the cards issued since 2013."""
    number = _clean(number)
    if not number:
        return [_error(gettext_noop("is empty"))]
    if len(number) != 9:
        return [
            _error(
                gettext_noop("has %(length)s characters; the number is H or M and 8 digits"),
                length=len(number),
            )
        ]
    findings = []
    if number[0] not in "HM":
        findings.append(
            _error(
                gettext_noop(
                    "starts with '%(first)s'; the first letter is H (Hong Kong) or M (Macao)"
                ),
                first=number[0],
            )
        )
    bad = _outside(number, DIGITS, range(1, 9))
    if bad:
        findings.append(
            _error(
                gettext_noop("not allowed: %(characters)s; positions 2-9 are digits"),
                characters=_describe(bad),
            )
        )
    return findings


def taiwan_permit_findings(number: str, *, today: date | None = None) -> list[Finding]:
    """What is wrong with a 台湾居民来往大陆通行证 (台胞证) number: 8 digits."""
    number = _clean(number)
    if not number:
        return [_error(gettext_noop("is empty"))]
    bad = _outside(number, DIGITS)
    if bad:
        return [
            _error(
                gettext_noop("not allowed: %(characters)s; the number is 8 digits"),
                characters=_describe(bad),
            )
        ]
    if len(number) != 8:
        return [_error(gettext_noop("has %(length)s digits; the number has 8"), length=len(number))]
    return []


def permanent_residence_findings(number: str, *, today: date | None = None) -> list[Finding]:
    """What is wrong with a 外国人永久居留身份证 number: the form issued until November 2023,
    3 letters (the nationality) and 12 digits, or the 2023 form, 18 characters starting with 9
    whose last is a check character computed as an ID card's (MOD 11-2)."""
    number = _clean(number)
    if not number:
        return [_error(gettext_noop("is empty"))]
    if len(number) == 15:
        bad = _outside(number, _LETTERS, range(3)) + _outside(number, DIGITS, range(3, 15))
        if bad:
            return [
                _error(
                    gettext_noop(
                        "not allowed: %(characters)s; the 15-character form is 3 letters and"
                        " 12 digits"
                    ),
                    characters=_describe(bad),
                )
            ]
        return []
    if len(number) != 18:
        return [
            _error(
                gettext_noop(
                    "has %(length)s characters; the number has 15 (3 letters and 12 digits)"
                    " or 18 (the form issued since 2023)"
                ),
                length=len(number),
            )
        ]
    bad = _outside(number, DIGITS, range(17)) + _outside(number, DIGITS + "X", range(17, 18))
    if bad:
        return [
            _error(
                gettext_noop(
                    "not allowed: %(characters)s; the 18-character form is 17 digits and a"
                    " check character 0-9 or X"
                ),
                characters=_describe(bad),
            )
        ]
    findings = []
    if number[0] != "9":
        findings.append(
            _error(
                gettext_noop("starts with '%(first)s'; the 18-character form starts with 9"),
                first=number[0],
            )
        )
    findings.extend(_check_character_findings(number))
    return findings


def residence_permit_findings(number: str, *, today: date | None = None) -> list[Finding]:
    """What is wrong with a 港澳台居民居住证 number: an ID card number (GB 11643: birth date,
    check character) whose address code starts with 81, 82 or 83."""
    number = normalise_id_card(number)
    if not number:
        return [_error(gettext_noop("is empty"))]
    if len(number) != 18:
        return [
            _error(
                gettext_noop("has %(length)s characters; a residence permit number has 18"),
                length=len(number),
            )
        ]
    findings = id_card_findings(number, today=today)
    if not number.startswith(RESIDENCE_PERMIT_PREFIXES):
        findings.insert(
            0,
            _error(
                gettext_noop(
                    "starts with '%(prefix)s'; a residence permit number starts with 81"
                    " (Hong Kong), 82 (Macao) or 83 (Taiwan)"
                ),
                prefix=number[:2],
            ),
        )
    return findings


@dataclass(frozen=True)
class PersonalIdDocument:
    """How one kind of document's number is checked and shown masked: its first ``head``
    and last ``tail`` characters, the rest as '*'."""

    findings: Callable[..., list[Finding]]
    head: int
    tail: int


PERSONAL_ID_DOCUMENTS: dict[str, PersonalIdDocument] = {
    ID_CARD: PersonalIdDocument(mainland_id_card_findings, 4, 4),
    PASSPORT: PersonalIdDocument(passport_findings, 1, 2),
    HK_MACAO_PERMIT: PersonalIdDocument(hk_macao_permit_findings, 1, 3),
    TAIWAN_PERMIT: PersonalIdDocument(taiwan_permit_findings, 1, 2),
    PERMANENT_RESIDENCE: PersonalIdDocument(permanent_residence_findings, 2, 4),
    RESIDENCE_PERMIT: PersonalIdDocument(residence_permit_findings, 2, 4),
}
# The longest number any kind allows (a column holding a masked number must fit it).
PERSONAL_ID_MAX_LENGTH = 18


def _document(kind: str) -> PersonalIdDocument:
    try:
        return PERSONAL_ID_DOCUMENTS[kind]
    except KeyError:
        raise ValueError(f"unknown kind of ID document: {kind!r}") from None


def normalise_personal_id(number: str, kind: str = ID_CARD) -> str:
    """The number as stored, whatever the kind: ASCII, upper case, without spaces."""
    _document(kind)
    return _clean(number)


def personal_id_findings(
    number: str, kind: str = ID_CARD, *, today: date | None = None
) -> list[Finding]:
    """What is wrong with a person's document number of ``kind``; every finding is an
    error."""
    return _document(kind).findings(number, today=today)


def personal_id_problem(
    number: str, kind: str = ID_CARD, *, today: date | None = None
) -> str | None:
    """Why a person's document number of ``kind`` is not valid, or None when it is."""
    return _first_error(personal_id_findings(number, kind, today=today))


def mask_personal_id(number: str, kind: str = ID_CARD) -> str:
    """The number as shown to those who may not see it: the kind's first and last characters,
    the rest as '*' (a passport 'E*****67', a 回乡证 'H*****678'). Anything too short to hide
    at least two characters between them is masked whole: the whole number is never shown."""
    document = _document(kind)
    number = _clean(number)
    if kind == ID_CARD:
        return mask_id_card(number)
    head, tail = document.head, document.tail
    if len(number) < head + tail + 2:
        return "*" * len(number)
    return number[:head] + "*" * (len(number) - head - tail) + number[-tail:]


# --- 手机号码 (mainland mobile) ------------------------------------------------------------

MOBILE = re.compile(r"1[3-9][0-9]{9}")
_COUNTRY_PREFIX = re.compile(r"^(?:\+86|0086|86)(?=1[0-9]{10}$)")


def normalise_phone(number: str) -> str:
    """ASCII digits only: full-width digits, spaces, hyphens, brackets and dots go, and so does
    a leading +86 / 0086 / 86 before an 11-digit number."""
    text = _clean(number)
    text = "".join(c for c in text if c not in "-()./")
    return _COUNTRY_PREFIX.sub("", text)


def phone_problem(number: str) -> str | None:
    """Why a mainland mobile number (11 digits, 1 then 3–9) is not valid, or None when it
    is."""
    number = normalise_phone(number)
    bad = _outside(number, DIGITS)
    if bad:
        return gettext_noop("has characters that are not digits")
    if len(number) != 11:
        return gettext_noop("must have 11 digits")
    if not MOBILE.fullmatch(number):
        return gettext_noop("must start with 13 to 19")
    return None


def mask_phone(number: str) -> str:
    """The number as shown to those who may not see it: the first 3 and last 4 digits
    ('138****5678')."""
    number = normalise_phone(number)
    if len(number) < 11:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


# --- 专利申请号 -------------------------------------------------------------------------

# The type digit after the year: 1 发明, 2 实用新型, 3 外观设计, 8 PCT发明进入国家阶段,
# 9 PCT实用新型进入国家阶段 (a PCT application is the same kind of right as its national twin).
PATENT_TYPES: dict[str, str] = {
    "1": "invention",
    "2": "utility_model",
    "3": "design",
    "8": "invention",
    "9": "utility_model",
}
# 2..9 repeated, one weight per digit in order.
PATENT_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)
_EARLIEST_PATENT_YEAR = 1985  # China's Patent Law took effect on 1 April 1985
_LAST_OLD_FORM_YEAR = 2003  # 8-digit numbers ran until 30 September 2003
_PREFIXES = ("ZL", "CN")
_UNDOTTED = re.compile(r"(?:[0-9]{12}|[0-9]{8})[0-9X]")
_DOTTED = re.compile(r"([0-9]+)\.([0-9X])")


def normalise_patent_application(number: str) -> str:
    """'ZL 2023 1 0123456.7', 'CN2023101234567' -> '202310123456.7': no prefix, no spaces,
    a dot before the check digit. A value that is no application number comes back cleaned
    but otherwise as it was."""
    text = _clean(number)
    while text.startswith(_PREFIXES):
        text = text[2:]
    if _UNDOTTED.fullmatch(text):
        text = f"{text[:-1]}.{text[-1]}"
    return text


def patent_check_character(digits: str) -> str:
    """The check digit for the 12 (or, before October 2003, 8) digits of an application
    number: the weighted sum mod 11, 10 written 'X'."""
    if not re.fullmatch(r"[0-9]{12}|[0-9]{8}", digits):
        raise ValueError(f"not 12 or 8 digits: {digits!r}")
    total = sum(int(c) * w for c, w in zip(digits, PATENT_WEIGHTS[: len(digits)], strict=True)) % 11
    return "X" if total == 10 else str(total)


def _patent_year(digits: str) -> int:
    if len(digits) == 12:
        return int(digits[:4])
    two = int(digits[:2])
    return 1900 + two if two >= _EARLIEST_PATENT_YEAR - 1900 else 2000 + two


def patent_application_findings(number: str, *, today: date | None = None) -> list[Finding]:
    """What is wrong with a 专利申请号; every finding is an error."""
    text = normalise_patent_application(number)
    today = today or date.today()
    if not text:
        return [_error(gettext_noop("is empty"))]
    bad = _outside(text, DIGITS + ".X")
    if bad:
        return [
            _error(
                gettext_noop(
                    "not allowed: %(characters)s; an application number is digits, a dot"
                    " and a check digit 0-9 or X"
                ),
                characters=_describe(bad),
            )
        ]
    if re.fullmatch(r"[0-9]{12}|[0-9]{8}", text):
        return [_error(gettext_noop("the check digit after the dot is missing"))]
    match = _DOTTED.fullmatch(text)
    if not match:
        return [
            _error(
                gettext_noop(
                    "expected 12 digits, a dot and a check digit (202310123456.7), or 8 digits"
                    " before October 2003 (01105715.7)"
                )
            )
        ]
    digits, check = match.groups()
    if len(digits) not in (12, 8):
        return [
            _error(
                gettext_noop(
                    "has %(count)s digits before the check digit; expected 12 (since October"
                    " 2003) or 8 (before)"
                ),
                count=len(digits),
            )
        ]
    findings = []
    year = _patent_year(digits)
    latest = today.year + 1
    if len(digits) == 8 and year > _LAST_OLD_FORM_YEAR:
        findings.append(
            _error(
                gettext_noop(
                    "year '%(year)s' cannot appear in the 8-digit form, used from 1985 to 2003"
                ),
                year=digits[:2],
            )
        )
    elif not _EARLIEST_PATENT_YEAR <= year <= latest:
        findings.append(
            _error(
                gettext_noop("year %(year)s is not plausible (1985 to %(latest)s)"),
                year=year,
                latest=latest,
            )
        )
    type_position = 5 if len(digits) == 12 else 3
    type_digit = digits[type_position - 1]
    if type_digit not in PATENT_TYPES:
        findings.append(
            _error(
                gettext_noop(
                    "type digit '%(digit)s' (position %(position)s) is not known (1, 2, 3, 8 or 9)"
                ),
                digit=type_digit,
                position=type_position,
            )
        )
    expected = patent_check_character(digits)
    if check != expected:
        findings.append(
            _error(
                gettext_noop("check digit is '%(found)s', expected '%(expected)s'"),
                found=check,
                expected=expected,
            )
        )
    return findings


def patent_application_problem(number: str, *, today: date | None = None) -> str | None:
    """Why a 专利申请号 is not valid, or None when it is."""
    return _first_error(patent_application_findings(number, today=today))


def patent_type_of(number: str) -> str:
    """'invention', 'utility_model' or 'design', read from the type digit; PCT applications
    count as their national kind. Raises ValueError when no type can be read (the check digit
    is not looked at)."""
    match = _DOTTED.fullmatch(normalise_patent_application(number))
    if not match or len(match.group(1)) not in (12, 8):
        raise ValueError(f"not a patent application number: {number!r}")
    digits = match.group(1)
    type_digit = digits[4] if len(digits) == 12 else digits[2]
    if type_digit not in PATENT_TYPES:
        raise ValueError(f"unknown patent type digit {type_digit!r} in {number!r}")
    return PATENT_TYPES[type_digit]
