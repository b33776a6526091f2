"""Validators for identifiers that Chinese registers issue."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# GB 32100-2015: 31 symbols, each worth its index; I, O, S, V and Z are not used.
CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = [pow(3, i, 31) for i in range(17)]


def credit_code_check_character(first_17: str) -> str:
    """The check character for the first 17 characters of a unified social credit code."""
    total = sum(
        CREDIT_CODE_ALPHABET.index(char) * weight
        for char, weight in zip(first_17, CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> None:
    """Reject a unified social credit code with a message saying what is wrong with it.

    Lower case is accepted (the field upper-cases before it validates).
    """
    code = value.upper()
    if len(code) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(length)d.")
            % {"length": len(code)},
            code="credit_code_length",
        )
    for position, char in enumerate(code, start=1):
        if char not in CREDIT_CODE_ALPHABET:
            raise ValidationError(
                _(
                    "Character %(position)d (“%(char)s”) is not allowed in a unified social "
                    "credit code: only digits and the letters %(letters)s are used."
                )
                % {"position": position, "char": char, "letters": CREDIT_CODE_ALPHABET[10:]},
                code="credit_code_character",
            )
    if not code[2:8].isdigit():
        raise ValidationError(
            _("Characters 3 to 8 of a unified social credit code are a six-digit region code."),
            code="credit_code_region",
        )
    expected = credit_code_check_character(code[:17])
    if code[17] != expected:
        raise ValidationError(
            _(
                "The check character is “%(actual)s” but should be “%(expected)s”: "
                "is a character mistyped?"
            )
            % {"actual": code[17], "expected": expected},
            code="credit_code_check",
        )
