"""The investor enquiry, the one public form of the zones app (on its own pages, which are
never cached, since the form carries a CSRF token)."""

from django import forms
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from zones.collation import pinyin_sort_key
from zones.directory.orderings import by_name
from zones.models import Enquiry, Sector, Zone


class EnquiryForm(forms.ModelForm):
    # A field no person sees or fills (hidden by CSS and from assistive technology); a bot that
    # fills every input it finds gives itself away. Named like a field bots expect.
    homepage = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    class Meta:
        model = Enquiry
        fields = (
            "name",
            "organisation",
            "email",
            "country",
            "zones",
            "sectors",
            "message",
            "consent",
        )
        labels = {
            "name": _("Your name"),
            "email": _("Your e-mail"),
            "country": _("Country"),
            "zones": _("The zones your enquiry concerns"),
            "sectors": _("Sectors of interest"),
            "message": _("Your question"),
            "consent": _(
                "I agree to be contacted by the zones I chose, and to my enquiry being kept "
                "until it is answered and then for the retention period."
            ),
        }
        widgets = {
            "zones": forms.CheckboxSelectMultiple,
            "sectors": forms.CheckboxSelectMultiple,
            "message": forms.Textarea(attrs={"rows": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("name", "email", "message"):
            self.fields[name].required = True
        self.fields["consent"].required = True
        # By name as the page's language sorts it (by pinyin on Chinese pages).
        self.fields["zones"].queryset = Zone.objects.published().order_by(by_name(), "pk")
        self.fields["sectors"].queryset = Sector.objects.order_by(by_name(), "pk")
        # Chosen by slug, as every public address and filter names them, never by database id.
        self.fields["zones"].to_field_name = "slug"
        self.fields["sectors"].to_field_name = "slug"
        self.fields["sectors"].required = False
        # The countries by their names as shown (by pinyin on Chinese pages), after a choice
        # that reads as one rather than Django's dashes.
        countries = [(code, name) for code, name in self.fields["country"].choices if code]
        if get_language() == "zh-hans":
            countries.sort(key=lambda choice: pinyin_sort_key(str(choice[1])))
        self.fields["country"].choices = [("", _("Not given")), *countries]
        self.fields["name"].widget.attrs["autocomplete"] = "name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["organisation"].widget.attrs["autocomplete"] = "organization"

    # A name and an organisation are one line: line breaks (which no text box sends, but a
    # forged request can) would write lines of their own into the staff's e-mail.
    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())

    def clean_organisation(self) -> str:
        return " ".join(self.cleaned_data["organisation"].split())

    def is_bot(self) -> bool:
        return bool(self.cleaned_data.get("homepage"))
