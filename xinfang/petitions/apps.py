from django.apps import AppConfig


class PetitionsConfig(AppConfig):
    name = "xinfang.petitions"
    label = "petitions"
    verbose_name = "信访"

    def ready(self) -> None:
        from . import workflow  # noqa: F401  registers the petition workflow
