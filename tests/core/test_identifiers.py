"""Identifier rules: 统一社会信用代码, 居民身份证号码 and the other documents a person is
registered by, 专利申请号."""

from __future__ import annotations

import string
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from innoplan.core.identifiers import (
    CREDIT_CODE_CATEGORIES,
    CREDIT_CODE_CHARACTERS,
    CREDIT_CODE_WEIGHTS,
    HK_MACAO_PERMIT,
    ID_CARD,
    ID_CARD_WEIGHTS,
    PASSPORT,
    PATENT_TYPES,
    PERMANENT_RESIDENCE,
    PERSONAL_ID_DOCUMENTS,
    PERSONAL_ID_MAX_LENGTH,
    RESIDENCE_PERMIT,
    TAIWAN_PERMIT,
    Finding,
    credit_code_check_character,
    credit_code_findings,
    credit_code_problem,
    id_card_check_character,
    id_card_findings,
    id_card_problem,
    mask_id_card,
    mask_personal_id,
    normalise_credit_code,
    normalise_id_card,
    normalise_patent_application,
    normalise_personal_id,
    organisation_code_check_character,
    patent_application_findings,
    patent_application_problem,
    patent_check_character,
    patent_type_of,
    personal_id_findings,
    personal_id_problem,
)

TODAY = date(2026, 11, 27)


def severities(findings: list[Finding]) -> list[str]:
    return [f.severity for f in findings]


def make_credit_code(authority: str, category: str, division: str, body: str) -> str:
    """A credit code whose organisation-code and final check characters are both right."""
    first17 = authority + category + division + body + organisation_code_check_character(body)
    return first17 + credit_code_check_character(first17)


def make_id_card(region: str, birth: date, sequence: str) -> str:
    first17 = f"{region}{birth:%Y%m%d}{sequence}"
    return first17 + id_card_check_character(first17)


def make_patent(digits: str) -> str:
    return f"{digits}.{patent_check_character(digits)}"


# --- 统一社会信用代码 -------------------------------------------------------------------

# Codes of well-known organisations as they publish them (each check character recomputed
# below, and in the module's own check):
REAL_CREDIT_CODES = [
    # 华为技术有限公司 — infobox of the 华为 article on zh.wikipedia.org
    pytest.param("914403001922038216", id="huawei"),
    # 腾讯科技（深圳）有限公司 — the producer code in AIGC content labels of Tencent's services
    pytest.param("91440300708461136T", id="tencent"),
    # 北京百度网讯科技有限公司 — business-registry record (org. number 802100433)
    pytest.param("91110000802100433B", id="baidu"),
    # 阿里巴巴（中国）有限公司 — business-registry record (reg. no. 330100400067581)
    pytest.param("91330100799655058B", id="alibaba"),
    # 小米科技有限责任公司 — business-registry record (reg. no. 110108012660422)
    pytest.param("91110108551385082Q", id="xiaomi"),
    # 清华大学 — the invoice title Tsinghua's labs give for reimbursements (a 事业单位: 12…)
    pytest.param("12100000400000624D", id="tsinghua"),
    # 清华大学深圳国际研究生院 — the same invoice instructions
    pytest.param("12440300455752807L", id="tsinghua-shenzhen"),
]

# Published codes (python-stdnum's test data) with letters in the organisation code, with an
# organisation-code check of 'X', and with 'X' as the final check character.
PUBLISHED_CREDIT_CODES_WITH_LETTERS = [
    "91340600MA2PBM9HXD",
    "9131012056010553X5",
    "91620105MA73NBBLXE",
    "92340621MA2PBN0KXX",
    "91620105L015101280",
]


@pytest.mark.parametrize("code", REAL_CREDIT_CODES)
def test_well_known_organisations_codes_are_valid(code):
    assert credit_code_findings(code) == []
    assert credit_code_problem(code) is None
    assert credit_code_check_character(code[:17]) == code[17]
    assert organisation_code_check_character(code[8:16]) == code[16]


@pytest.mark.parametrize("code", PUBLISHED_CREDIT_CODES_WITH_LETTERS)
def test_codes_with_letters_and_x_checks_are_valid(code):
    assert credit_code_findings(code) == []


def test_the_weights_are_powers_of_three_mod_31():
    assert tuple(3**i % 31 for i in range(17)) == CREDIT_CODE_WEIGHTS
    assert len(CREDIT_CODE_CHARACTERS) == 31
    assert not set("IOSVZ") & set(CREDIT_CODE_CHARACTERS)


def test_the_authority_table_is_the_standards():
    assert CREDIT_CODE_CATEGORIES == {
        "1": "1239",
        "2": "19",
        "3": "123459",
        "4": "19",
        "5": "1239",
        "6": "129",
        "7": "129",
        "8": "19",
        "9": "123",
        "A": "19",
        "N": "1239",
        "Y": "1",
    }


@pytest.mark.parametrize(
    ("authority", "category"),
    [(a, c) for a, categories in CREDIT_CODE_CATEGORIES.items() for c in categories],
)
def test_every_category_the_standard_lists_is_accepted(authority, category):
    assert credit_code_findings(make_credit_code(authority, category, "110112", "MA01ABCD")) == []


@pytest.mark.parametrize(
    "entered",
    ["9144 0300 7084 6113 6t", " 91440300708461136t\t", "９１４４０３００７０８４６１１３６Ｔ"],
)
def test_it_accepts_lower_case_spaces_and_full_width_input(entered):
    assert normalise_credit_code(entered) == "91440300708461136T"
    assert credit_code_findings(entered) == []


def test_it_ignores_invisible_characters_from_excel_cells():
    assert normalise_credit_code("\ufeff91440300708461136T\u200b") == "91440300708461136T"


def test_an_empty_code_is_an_error():
    assert credit_code_problem("  ") == "is empty"


def test_a_code_of_the_wrong_length_is_an_error():
    assert credit_code_problem("9144030070846113") == "has 16 characters; a credit code has 18"


def test_it_names_each_character_outside_the_set():
    findings = credit_code_findings("91440300708461O36Z")
    assert severities(findings) == ["error"]
    assert findings[0].message == (
        "not allowed: 'O' (position 15), 'Z' (position 18); a credit code uses 0-9 and A-Z"
        " except I, O, S, V, Z"
    )


def test_an_unknown_registration_authority_is_an_error():
    code = make_credit_code("B", "1", "110112", "MA01ABCD")
    assert credit_code_problem(code) == (
        "registration authority code 'B' (position 1) is not one GB 32100 defines"
        " (1, 2, 3, 4, 5, 6, 7, 8, 9, A, N, Y)"
    )


@pytest.mark.parametrize(
    ("authority", "category", "allowed"),
    [("9", "4", "1, 2, 3"), ("9", "9", "1, 2, 3"), ("5", "4", "1, 2, 3, 9"), ("Y", "2", "1")],
)
def test_a_category_the_authority_does_not_register_is_an_error(authority, category, allowed):
    code = make_credit_code(authority, category, "110112", "MA01ABCD")
    assert credit_code_problem(code) == (
        f"organisation category '{category}' (position 2) is not valid for registration"
        f" authority '{authority}' (allowed: {allowed})"
    )


def test_a_division_code_with_letters_is_an_error():
    code = make_credit_code("9", "1", "11A112", "MA01ABCD")
    assert credit_code_problem(code) == (
        "administrative division code '11A112' (positions 3-8) must be 6 digits"
    )


def test_it_reports_every_structural_error_at_once():
    code = make_credit_code("9", "4", "1101AB", "MA01ABCD")
    assert severities(credit_code_findings(code)) == ["error", "error"]


def test_a_wrong_check_character_is_only_a_warning_with_the_expected_one():
    findings = credit_code_findings("914403001922038217")
    assert findings == [
        Finding(
            "warning",
            "check character (position 18) is '7', expected '6'",
            "check character (position 18) is '%(found)s', expected '%(expected)s'",
            (("found", "7"), ("expected", "6")),
        )
    ]
    assert credit_code_problem("914403001922038217") is None


def test_a_wrong_organisation_code_check_alone_is_only_a_warning():
    first17 = "91440300192203829"  # Huawei's with the organisation-code check changed
    code = first17 + credit_code_check_character(first17)
    findings = credit_code_findings(code)
    assert [f.message for f in findings] == [
        "organisation-code check character (position 17) is '9', expected '1'"
    ]
    assert severities(findings) == ["warning"]
    assert credit_code_problem(code) is None


def test_the_check_functions_refuse_what_they_cannot_compute():
    with pytest.raises(ValueError):
        credit_code_check_character("9144030019220382")
    with pytest.raises(ValueError):
        credit_code_check_character("91440300192203821O")
    with pytest.raises(ValueError):
        organisation_code_check_character("1922038")


def test_a_finding_renders_through_the_callers_translation():
    (finding,) = credit_code_findings("914403001922038217")
    catalogue = {finding.template: "校验码（第18位）为 %(found)s，应为 %(expected)s"}
    assert finding.render(lambda text: catalogue.get(text, text)) == "校验码（第18位）为 7，应为 6"
    assert finding.render() == finding.message


@st.composite
def valid_credit_code(draw):
    authority = draw(st.sampled_from(sorted(CREDIT_CODE_CATEGORIES)))
    category = draw(st.sampled_from(CREDIT_CODE_CATEGORIES[authority]))
    division = draw(st.text(string.digits, min_size=6, max_size=6))
    body = draw(st.text(CREDIT_CODE_CHARACTERS, min_size=8, max_size=8))
    return make_credit_code(authority, category, division, body)


@given(valid_credit_code())
def test_a_code_built_with_the_check_functions_is_valid(code):
    assert credit_code_findings(code) == []


@given(
    valid_credit_code(),
    st.integers(0, 17),
    st.sampled_from(string.digits + string.ascii_uppercase + "-*"),
)
def test_changing_any_one_character_of_a_valid_code_is_noticed(code, position, replacement):
    changed = code[:position] + replacement + code[position + 1 :]
    if changed != code:
        assert credit_code_findings(changed) != []


@given(st.text())
def test_normalising_a_credit_code_twice_changes_nothing_more(text):
    once = normalise_credit_code(text)
    assert normalise_credit_code(once) == once


@given(st.text(max_size=30))
def test_any_text_gets_findings_not_an_exception(text):
    assert all(isinstance(f, Finding) for f in credit_code_findings(text))


# --- 居民身份证号码 ---------------------------------------------------------------------

# GB 11643-1999's own examples (北京市朝阳区 and 广东省汕头市); no real person's number.
STANDARD_EXAMPLE = "11010519491231002X"
STANDARD_EXAMPLE_1880 = "440524188001010014"


def test_the_standards_example_is_valid():
    assert id_card_findings(STANDARD_EXAMPLE, today=TODAY) == []
    assert id_card_check_character(STANDARD_EXAMPLE[:17]) == "X"


def test_a_lower_case_x_is_accepted():
    assert normalise_id_card(" 11010519491231002x ") == STANDARD_EXAMPLE
    assert id_card_problem("11010519491231002x", today=TODAY) is None


def test_the_standards_example_born_in_1880_has_a_right_check_but_is_before_1900():
    assert id_card_check_character(STANDARD_EXAMPLE_1880[:17]) == "4"
    assert id_card_problem(STANDARD_EXAMPLE_1880, today=TODAY) == (
        "birth date 1880-01-01 is before 1900"
    )


def test_a_generated_number_is_valid():
    number = make_id_card("110112", date(1990, 3, 7), "123")
    assert id_card_findings(number, today=TODAY) == []


def test_a_wrong_check_character_is_an_error_with_the_expected_one():
    assert id_card_problem("110105194912310021", today=TODAY) == (
        "check character (position 18) is '1', expected 'X'"
    )


def test_the_old_15_digit_form_is_named():
    assert id_card_problem("110105491231002", today=TODAY) == (
        "is the old 15-digit form; the 18-character number is needed"
    )


@pytest.mark.parametrize(
    ("number", "problem"),
    [
        ("", "is empty"),
        ("1101051949123100", "has 16 characters; an ID card number has 18"),
        (
            "1101051949123100XX",
            "not allowed: 'X' (position 17); an ID card number is 17 digits and a check"
            " character 0-9 or X",
        ),
        (
            "11010519491231002A",
            "not allowed: 'A' (position 18); an ID card number is 17 digits and a check"
            " character 0-9 or X",
        ),
    ],
)
def test_malformed_numbers_are_errors(number, problem):
    assert id_card_problem(number, today=TODAY) == problem


def test_a_region_code_starting_with_0_is_an_error():
    number = make_id_card("010105", date(1990, 3, 7), "123")
    assert id_card_problem(number, today=TODAY) == (
        "region code '010105' (positions 1-6) cannot start with 0"
    )


def test_a_birth_date_that_does_not_exist_is_an_error():
    number = "11010519490231002" + id_card_check_character("11010519490231002")
    assert id_card_problem(number, today=TODAY) == (
        "birth date '19490231' (positions 7-14) is not a real date"
    )


def test_a_birth_date_after_today_is_an_error():
    number = make_id_card("110105", date(2026, 11, 28), "002")
    assert id_card_problem(number, today=TODAY) == "birth date 2026-11-28 is in the future"
    assert id_card_problem(number, today=date(2026, 11, 28)) is None


def test_every_problem_is_reported_at_once():
    number = "01010519490231002" + "0"
    assert severities(id_card_findings(number, today=TODAY)) == ["error", "error", "error"]


def test_the_check_function_refuses_what_it_cannot_compute():
    with pytest.raises(ValueError):
        id_card_check_character("1101051949123100")
    with pytest.raises(ValueError):
        id_card_check_character("1101051949123100X")


def test_the_weights_are_powers_of_two_mod_11():
    assert tuple(2 ** (17 - i) % 11 for i in range(17)) == ID_CARD_WEIGHTS


def test_a_number_is_masked_but_for_its_first_and_last_four():
    number = make_id_card("110112", date(1990, 3, 7), "123")
    assert mask_id_card(number) == f"1101**********{number[-4:]}"
    assert mask_id_card(STANDARD_EXAMPLE.lower()) == "1101**********002X"


def test_a_short_value_is_masked_whole():
    assert mask_id_card("12345678") == "********"
    assert mask_id_card("") == ""


@st.composite
def valid_id_card(draw):
    region = draw(st.sampled_from("12345678")) + draw(
        st.text(string.digits, min_size=5, max_size=5)
    )
    birth = draw(st.dates(min_value=date(1900, 1, 1), max_value=TODAY))
    sequence = draw(st.text(string.digits, min_size=3, max_size=3))
    return make_id_card(region, birth, sequence)


@given(valid_id_card())
def test_a_number_built_with_the_check_function_is_valid(number):
    assert id_card_findings(number, today=TODAY) == []


@given(valid_id_card(), st.integers(0, 17), st.sampled_from(string.digits + "X"))
def test_changing_any_one_character_of_a_valid_number_is_an_error(number, position, replacement):
    changed = number[:position] + replacement + number[position + 1 :]
    if changed != number:
        assert id_card_problem(changed, today=TODAY) is not None


@given(st.text())
def test_normalising_an_id_card_number_twice_changes_nothing_more(text):
    once = normalise_id_card(text)
    assert normalise_id_card(once) == once


@given(st.text(string.digits + "Xx ", max_size=25))
def test_the_mask_never_reveals_the_middle(text):
    masked = mask_id_card(text)
    number = normalise_id_card(text)
    assert len(masked) == len(number)
    if len(number) >= 15:
        assert masked[:4] == number[:4] and masked[-4:] == number[-4:]
        assert set(masked[4:-4]) <= {"*"}
    else:
        assert set(masked) <= {"*"}


@given(valid_id_card())
def test_the_mask_of_a_valid_number_hides_its_birth_date(number):
    masked = mask_id_card(number)
    assert masked[4:14] == "*" * 10


# --- 专利申请号 -------------------------------------------------------------------------

# Application numbers as published with granted patents (each check recomputed below).
REAL_PATENTS = [
    # invention, 极限数据（北京）科技有限公司's announcement, granted 2024-06-21
    pytest.param("ZL 2024 1 0479400.9", "202410479400.9", "invention", id="infini-2024"),
    # invention, 天津仁爱学院, grant publication CN 120551632 B
    pytest.param("ZL 2025 1 1071601.6", "202511071601.6", "invention", id="renai-2025"),
    # utility model 智能零售结算平台, grant publication CN 216979871 U
    pytest.param("ZL 2022 2 0828888.8", "202220828888.8", "utility_model", id="retail-2022"),
    # utility model 一种卧式燃油蒸汽锅炉, a boiler maker's product sheet
    pytest.param("ZL 2014 2 0504448.2", "201420504448.2", "utility_model", id="boiler-2014"),
    # design patent on a product datasheet
    pytest.param("ZL 201730610076.0", "201730610076.0", "design", id="design-2017"),
    # invention listed by a university team without the dot, check digit X
    pytest.param("201710595987X", "201710595987.X", "invention", id="no-dot-x"),
    # the 8-digit form before October 2003: 镁合金专用水平连铸机, 发泡镁合金覆盖剂及其制备方法
    pytest.param("ZL01105715.7", "01105715.7", "invention", id="old-2001"),
    pytest.param("ZL00125301.8", "00125301.8", "invention", id="old-2000"),
]


@pytest.mark.parametrize(("entered", "normalised", "kind"), REAL_PATENTS)
def test_published_application_numbers_are_valid(entered, normalised, kind):
    assert normalise_patent_application(entered) == normalised
    assert patent_application_findings(entered, today=TODAY) == []
    assert patent_check_character(normalised[:-2]) == normalised[-1]
    assert patent_type_of(entered) == kind


@pytest.mark.parametrize(
    "entered",
    [
        "202410479400.9",
        "2024104794009",
        "zl202410479400.9",
        "CN 2024 1047 9400.9",
        "ZL２０２４１０４７９４００。９",
    ],
)
def test_it_accepts_prefixes_spaces_and_a_missing_dot(entered):
    assert normalise_patent_application(entered) == "202410479400.9"
    assert patent_application_problem(entered, today=TODAY) is None


@pytest.mark.parametrize(
    ("number", "problem"),
    [
        ("", "is empty"),
        (
            "2024104794A0.9",
            "not allowed: 'A' (position 11); an application number is digits, a dot and a"
            " check digit 0-9 or X",
        ),
        ("202410479400", "the check digit after the dot is missing"),
        (
            "2024.10479400.9",
            "expected 12 digits, a dot and a check digit (202310123456.7), or 8 digits"
            " before October 2003 (01105715.7)",
        ),
        (
            "2024104794.9",
            "has 10 digits before the check digit; expected 12 (since October 2003) or 8 (before)",
        ),
    ],
)
def test_malformed_application_numbers_are_errors(number, problem):
    assert patent_application_problem(number, today=TODAY) == problem


@pytest.mark.parametrize(
    ("digits", "problem"),
    [
        ("198410123456", "year 1984 is not plausible (1985 to 2027)"),
        ("202810123456", "year 2028 is not plausible (1985 to 2027)"),
        ("05101234", "year '05' cannot appear in the 8-digit form, used from 1985 to 2003"),
        ("202340123456", "type digit '4' (position 5) is not known (1, 2, 3, 8 or 9)"),
        ("01505715", "type digit '5' (position 3) is not known (1, 2, 3, 8 or 9)"),
    ],
)
def test_implausible_years_and_unknown_types_are_errors(digits, problem):
    assert patent_application_problem(make_patent(digits), today=TODAY) == problem


def test_next_years_numbers_are_plausible():
    assert patent_application_problem(make_patent("202710000001"), today=TODAY) is None


def test_a_wrong_check_digit_is_an_error_with_the_expected_one():
    assert patent_application_problem("202410479400.8", today=TODAY) == (
        "check digit is '8', expected '9'"
    )


@pytest.mark.parametrize(
    ("digits", "kind"),
    [
        ("202310123456", "invention"),
        ("202320123456", "utility_model"),
        ("202330123456", "design"),
        ("202380123456", "invention"),
        ("202390123456", "utility_model"),
        ("98812345", "invention"),
    ],
)
def test_the_type_digit_gives_the_kind_of_patent(digits, kind):
    assert patent_type_of(make_patent(digits)) == kind
    assert PATENT_TYPES[digits[4] if len(digits) == 12 else digits[2]] == kind


@pytest.mark.parametrize("number", ["", "ZL", "202340123456.7", "2023101234.5"])
def test_no_kind_is_read_from_what_is_no_application_number(number):
    with pytest.raises(ValueError):
        patent_type_of(number)


def test_the_check_function_takes_12_or_8_digits():
    assert patent_check_character("01105715") == "7"
    with pytest.raises(ValueError):
        patent_check_character("2023101234")


@st.composite
def patent_digits(draw):
    if draw(st.booleans()):
        year = str(draw(st.integers(1985, TODAY.year + 1)))
        serial = draw(st.text(string.digits, min_size=7, max_size=7))
    else:
        year = draw(st.sampled_from(["85", "90", "99", "00", "03"]))
        serial = draw(st.text(string.digits, min_size=5, max_size=5))
    return year + draw(st.sampled_from(sorted(PATENT_TYPES))) + serial


@given(patent_digits())
def test_a_number_built_with_the_check_function_is_valid_patent(digits):
    number = make_patent(digits)
    assert patent_application_findings(number, today=TODAY) == []
    assert normalise_patent_application(number.replace(".", "")) == number


@given(patent_digits(), st.data())
def test_changing_any_one_character_of_a_valid_application_number_is_an_error(digits, data):
    number = make_patent(digits)
    position = data.draw(st.integers(0, len(number) - 1))
    replacement = data.draw(st.sampled_from(string.digits + "X."))
    changed = number[:position] + replacement + number[position + 1 :]
    if changed != number:
        assert patent_application_problem(changed, today=TODAY) is not None


@given(st.text())
def test_normalising_an_application_number_twice_changes_nothing_more(text):
    once = normalise_patent_application(text)
    assert normalise_patent_application(once) == once


@given(st.text(max_size=30))
def test_any_text_gets_patent_findings_not_an_exception(text):
    assert all(isinstance(f, Finding) for f in patent_application_findings(text, today=TODAY))


# --- 其他身份证件: passports, travel permits, permanent residence cards, residence permits -----

RESIDENCE_PERMIT_EXAMPLE = make_id_card("810000", date(1990, 3, 7), "123")
PERMANENT_RESIDENCE_2023 = "91560019900307123" + id_card_check_character("91560019900307123")


@pytest.mark.parametrize(
    ("kind", "typed", "stored"),
    [
        (ID_CARD, "11010519491231002x", STANDARD_EXAMPLE),
        (PASSPORT, "e1234 5678", "E12345678"),
        (PASSPORT, "ＧＢ９８７６５", "GB98765"),  # full-width, as a Chinese keyboard types it
        (PASSPORT, "A" * 17, "A" * 17),
        (HK_MACAO_PERMIT, "h12345678", "H12345678"),
        (HK_MACAO_PERMIT, "M 1234 5678", "M12345678"),
        (TAIWAN_PERMIT, "0123 4567", "01234567"),
        (PERMANENT_RESIDENCE, "usa110212345678", "USA110212345678"),
        (PERMANENT_RESIDENCE, PERMANENT_RESIDENCE_2023, PERMANENT_RESIDENCE_2023),
        (RESIDENCE_PERMIT, RESIDENCE_PERMIT_EXAMPLE, RESIDENCE_PERMIT_EXAMPLE),
    ],
)
def test_each_kind_takes_its_documents_numbers_as_typed(kind, typed, stored):
    assert normalise_personal_id(typed, kind) == stored
    assert personal_id_findings(typed, kind, today=TODAY) == []


@pytest.mark.parametrize(
    ("kind", "number", "problem"),
    [
        (PASSPORT, "", "is empty"),
        (PASSPORT, "E123", "has 4 characters; a passport number has 5 to 17"),
        (PASSPORT, "E" * 18, "has 18 characters; a passport number has 5 to 17"),
        (
            PASSPORT,
            "E1234-567",
            "not allowed: '-' (position 6); a passport number is letters and digits",
        ),
        (
            HK_MACAO_PERMIT,
            "H1234567",
            "has 8 characters; the number is H or M and 8 digits",
        ),
        (
            HK_MACAO_PERMIT,
            "K12345678",
            "starts with 'K'; the first letter is H (Hong Kong) or M (Macao)",
        ),
        (
            HK_MACAO_PERMIT,
            "H1234567A",
            "not allowed: 'A' (position 9); positions 2-9 are digits",
        ),
        (TAIWAN_PERMIT, "1234567", "has 7 digits; the number has 8"),
        (
            TAIWAN_PERMIT,
            "T1234567",
            "not allowed: 'T' (position 1); the number is 8 digits",
        ),
        (
            PERMANENT_RESIDENCE,
            "US1102123456789",
            "not allowed: '1' (position 3); the 15-character form is 3 letters and 12 digits",
        ),
        (
            PERMANENT_RESIDENCE,
            "USA11021234567",
            "has 14 characters; the number has 15 (3 letters and 12 digits) or 18 (the form"
            " issued since 2023)",
        ),
        (
            PERMANENT_RESIDENCE,
            "1"
            + PERMANENT_RESIDENCE_2023[1:17]
            + id_card_check_character("1" + PERMANENT_RESIDENCE_2023[1:17]),
            "starts with '1'; the 18-character form starts with 9",
        ),
        (
            PERMANENT_RESIDENCE,
            PERMANENT_RESIDENCE_2023[:17] + ("0" if PERMANENT_RESIDENCE_2023[17] != "0" else "1"),
            "check character (position 18) is '"
            + ("0" if PERMANENT_RESIDENCE_2023[17] != "0" else "1")
            + f"', expected '{PERMANENT_RESIDENCE_2023[17]}'",
        ),
        (
            RESIDENCE_PERMIT,
            STANDARD_EXAMPLE,
            "starts with '11'; a residence permit number starts with 81 (Hong Kong), 82"
            " (Macao) or 83 (Taiwan)",
        ),
        (
            RESIDENCE_PERMIT,
            RESIDENCE_PERMIT_EXAMPLE[:17],
            "has 17 characters; a residence permit number has 18",
        ),
        (
            RESIDENCE_PERMIT,
            make_id_card("830000", date(2026, 11, 28), "001"),
            "birth date 2026-11-28 is in the future",
        ),
    ],
)
def test_each_kind_says_what_is_wrong_with_a_number(kind, number, problem):
    assert personal_id_problem(number, kind, today=TODAY) == problem


@pytest.mark.parametrize(
    ("number", "problem"),
    [
        (
            RESIDENCE_PERMIT_EXAMPLE,
            "starts with 81, as a residence permit for Hong Kong, Macao and Taiwan residents"
            " does; choose that document type",
        ),
        (
            PERMANENT_RESIDENCE_2023,
            "starts with 9, as a foreigner's permanent residence ID card does; choose that"
            " document type",
        ),
    ],
)
def test_an_id_card_number_of_another_document_is_sent_to_its_kind(number, problem):
    assert id_card_problem(number, today=TODAY) is None  # GB 11643 alone accepts it
    assert personal_id_problem(number, ID_CARD, today=TODAY) == problem


def test_an_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown kind"):
        personal_id_problem("E12345678", "driving_licence")


@pytest.mark.parametrize(
    ("kind", "number", "masked"),
    [
        (ID_CARD, STANDARD_EXAMPLE, "1101**********002X"),
        (PASSPORT, "E12345678", "E******78"),
        (PASSPORT, "G1234", "G**34"),
        (HK_MACAO_PERMIT, "H12345678", "H*****678"),
        (TAIWAN_PERMIT, "01234567", "0*****67"),
        (PERMANENT_RESIDENCE, "USA110212345678", "US*********5678"),
        (
            PERMANENT_RESIDENCE,
            PERMANENT_RESIDENCE_2023,
            "91************" + "123" + PERMANENT_RESIDENCE_2023[-1],
        ),
        (
            RESIDENCE_PERMIT,
            RESIDENCE_PERMIT_EXAMPLE,
            "81************" + RESIDENCE_PERMIT_EXAMPLE[-4:],
        ),
        (PASSPORT, "E12", "***"),  # too short to hide enough: masked whole
    ],
)
def test_each_kind_is_masked_but_for_its_first_and_last_characters(kind, number, masked):
    assert mask_personal_id(number, kind) == masked


@given(st.sampled_from(sorted(PERSONAL_ID_DOCUMENTS)), st.text(max_size=30))
def test_a_mask_never_shows_a_whole_number_nor_any_middle_character(kind, text):
    number = normalise_personal_id(text, kind)
    masked = mask_personal_id(text, kind)
    assert len(masked) == len(number)
    if number:
        assert masked != number or set(number) == {"*"}
    document = PERSONAL_ID_DOCUMENTS[kind]
    middle = masked[document.head : len(masked) - document.tail]
    assert set(middle) <= {"*"}


@given(st.sampled_from(sorted(PERSONAL_ID_DOCUMENTS)), st.text(max_size=30))
def test_any_text_gets_findings_of_any_kind_and_a_valid_number_fits_the_column(kind, text):
    findings = personal_id_findings(text, kind, today=TODAY)
    assert all(isinstance(f, Finding) and f.severity == "error" for f in findings)
    if not findings:
        assert len(normalise_personal_id(text, kind)) <= PERSONAL_ID_MAX_LENGTH


@given(st.text(string.ascii_letters + string.digits, min_size=5, max_size=17))
def test_any_five_to_seventeen_letters_and_digits_are_a_passport_number(text):
    assert personal_id_problem(text, PASSPORT) is None
    assert normalise_personal_id(text, PASSPORT) == text.upper()


@st.composite
def valid_residence_permit(draw):
    region = draw(st.sampled_from(["810000", "820000", "830000"]))
    birth = draw(st.dates(min_value=date(1900, 1, 1), max_value=TODAY))
    return make_id_card(region, birth, draw(st.text(string.digits, min_size=3, max_size=3)))


@given(valid_residence_permit(), st.integers(0, 17), st.sampled_from(string.digits + "X"))
def test_a_residence_permit_is_checked_like_an_id_card(number, position, replacement):
    assert personal_id_findings(number, RESIDENCE_PERMIT, today=TODAY) == []
    changed = number[:position] + replacement + number[position + 1 :]
    if changed != number:
        assert personal_id_problem(changed, RESIDENCE_PERMIT, today=TODAY) is not None


@given(st.text(string.digits, min_size=16, max_size=16), st.integers(1, 17), st.data())
def test_a_2023_permanent_residence_number_carries_an_id_cards_check_character(
    digits, position, data
):
    first17 = "9" + digits
    number = first17 + id_card_check_character(first17)
    assert personal_id_problem(number, PERMANENT_RESIDENCE) is None
    replacement = data.draw(st.sampled_from(string.digits + "X"))
    changed = number[:position] + replacement + number[position + 1 :]
    if changed != number:
        assert personal_id_problem(changed, PERMANENT_RESIDENCE) is not None
