import secrets

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Make sure a superuser exists. If there is none, create `admin` with a random password "
        "and print it once."
    )

    def handle(self, *args, **options):
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            self.stdout.write("A superuser exists already.")
            return
        password = secrets.token_urlsafe(12)
        if User.objects.filter(username="admin").exists():
            user = User.objects.get(username="admin")
            user.is_staff = user.is_superuser = True
            user.set_password(password)
            user.save()
        else:
            User.objects.create_superuser("admin", email="", password=password)
        self.stdout.write(
            self.style.WARNING(
                "Created the superuser `admin` with the password below. It is shown only once:\n"
                f"    {password}\n"
                "Sign in at the portal's /admin/ and change it."
            )
        )
