from decimal import Decimal

from django import forms

from news.models import as_entered


class FigureValueField(forms.DecimalField):
    """A figure's value, shown in its input as entered (5, 3.5) rather than as stored (5.0000)."""

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return as_entered(value)
        return super().prepare_value(value)
