import pytest
from django.core.exceptions import ValidationError

from zones.validators import credit_code_check_character, validate_credit_code

# A well-formed code: region 110000, organisation code 10000000-0, check character computed.
FIRST_17 = "91110000100000000"
VALID = FIRST_17 + credit_code_check_character(FIRST_17)


def message_of(code: str) -> str:
    with pytest.raises(ValidationError) as error:
        validate_credit_code(code)
    return error.value.messages[0]


def test_a_correct_code_is_accepted_in_upper_or_lower_case():
    validate_credit_code(VALID)
    validate_credit_code(VALID.lower())


def test_a_code_of_the_wrong_length_says_how_long_it_is():
    assert "has 17" in message_of(VALID[:-1])


@pytest.mark.parametrize("letter", ["I", "O", "S", "V", "Z", "-"])
def test_a_character_outside_the_alphabet_is_named_with_its_position(letter):
    message = message_of(VALID[:9] + letter + VALID[10:])
    assert "Character 10" in message
    assert letter in message


def test_a_wrong_check_character_names_the_expected_one():
    wrong = "0" if VALID[-1] != "0" else "1"
    message = message_of(VALID[:17] + wrong)
    assert f"should be “{VALID[-1]}”" in message


def test_the_region_code_must_be_digits():
    code = "91A10000100000000"
    assert "region code" in message_of(code + credit_code_check_character(code))


def test_a_published_code_is_valid():
    # A code as printed on a real business licence (Shenzhen Tencent Computer Systems).
    validate_credit_code("9144030071526726XG")
