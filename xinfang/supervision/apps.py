from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "xinfang.supervision"
    label = "supervision"
    verbose_name = "督查督办"

    def ready(self) -> None:
        from xinfang.core.hooks import case_write_hook_register

        from .services import supervisions_lift_on_close
        case_write_hook_register(supervisions_lift_on_close)

        from xinfang.web.case_sections import CaseSection, case_section_register
        case_section_register(CaseSection(key="supervision", title="督办", url_name="supervision:case", order=10))
