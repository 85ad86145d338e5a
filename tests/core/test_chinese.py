"""Pinyin initials, for finding an organisation by the first letters of its name."""

import pytest

from innoplan.core.chinese import pinyin_initials


@pytest.mark.parametrize(
    ("text", "initials"),
    [
        ("北京智云科技有限公司", "bjzykjyxgs"),
        ("通州区", "tzq"),
        ("", ""),
    ],
)
def test_it_takes_the_first_letter_of_each_characters_pinyin(text, initials):
    assert pinyin_initials(text) == initials


def test_it_keeps_latin_letters_and_digits_in_lower_case():
    assert pinyin_initials("北京ABC科技2号") == "bjabckj2h"


def test_it_reads_full_width_letters_and_digits_as_ascii():
    assert pinyin_initials("Ｔｅｃｈ１２３公司") == "tech123gs"


def test_it_drops_punctuation_and_spaces():
    assert pinyin_initials("北京（通州）智云·科技 有限公司！") == "bjtzzykjyxgs"
    assert pinyin_initials("—·…！、， ") == ""


def test_it_reads_a_polyphone_by_its_word():
    assert pinyin_initials("重庆") == "cq"
