"""Numbers as people write them."""

from decimal import Decimal


def as_entered(value: Decimal) -> str:
    """A decimal as an editor types it: 5, 3.5, -0.25, 50; no trailing zeros, no exponent."""
    if value == 0:
        return "0"
    return format(value.normalize(), "f")
