"""The page where a person chooses which optional emails they receive."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from .kinds import audience_of, mandatory_labels, preference_labels
from .models import EmailPreference
from .services import email_preferences_update


class PreferencesForm(forms.Form):
    def __init__(self, *args, labels: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        for name, label in labels.items():
            self.fields[name] = forms.BooleanField(label=label, required=False)


@login_required
def preferences(request):
    audience = audience_of(request.user)
    labels = preference_labels(audience)
    current = EmailPreference.objects.filter(user=request.user).first()
    initial = {name: getattr(current, name) if current else True for name in labels}
    # Every box unticked posts nothing but the CSRF token: still a submission.
    data = request.POST if request.method == "POST" else None
    form = PreferencesForm(data, initial=initial, labels=labels)
    if request.method == "POST" and form.is_valid():
        email_preferences_update(user=request.user, **form.cleaned_data)
        messages.success(request, "Your email choices are saved.")
        return redirect("notifications:preferences")
    return render(
        request,
        "notifications/preferences.html",
        {"form": form, "always_sent": mandatory_labels(audience)},
    )
