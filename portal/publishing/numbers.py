"""Numbers as people write them."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


def as_entered(value: Decimal) -> str:
    """A decimal as an editor types it: 5, 3.5, -0.25, 50; no trailing zeros, no exponent."""
    if value == 0:
        return "0"
    return format(value.normalize(), "f")


# SQLite keeps a decimal as a floating-point number, which holds 15 significant digits: a longer
# value would come back changed, or not at all (Django fails to read it, and with it every page
# that shows it). Both databases take the same numbers.
SIGNIFICANT_DIGITS = 15


def storable_number(value: Decimal) -> None:
    """A validator: at most SIGNIFICANT_DIGITS significant digits."""
    digits = len(value.normalize().as_tuple().digits) if value else 0
    if digits > SIGNIFICANT_DIGITS:
        raise ValidationError(
            _("Enter a number of at most %(limit)d significant digits (this one has %(digits)d)."),
            code="too_many_digits",
            params={"limit": SIGNIFICANT_DIGITS, "digits": digits},
        )
