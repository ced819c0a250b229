from django.apps import AppConfig


class AccountabilityConfig(AppConfig):
    name = "xinfang.accountability"
    label = "accountability"
    verbose_name = "责任倒查与问责"

    def ready(self) -> None:
        from xinfang.web.case_sections import CaseSection, case_section_register

        from .selectors import section_visible
        case_section_register(CaseSection(key="accountability", title="责任倒查与问责", url_name="accountability:case",
                                          order=40, visible=section_visible))
