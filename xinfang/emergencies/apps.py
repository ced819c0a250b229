from django.apps import AppConfig


class EmergenciesConfig(AppConfig):
    name = "xinfang.emergencies"
    label = "emergencies"
    verbose_name = "突发事件信息报送"

    def ready(self) -> None:
        from xinfang.web.case_sections import CaseSection, case_section_register

        from . import workflow  # registers the emergency workflow

        # The report history (首报、续报、应急处置、终报, with the upper units' receipts) on the
        # case page of an event.
        case_section_register(CaseSection(
            key="emergency_reports", title="信息报送记录", url_name="emergencies:reports", order=5,
            visible=lambda *, user, case: case.kind == workflow.KIND))
