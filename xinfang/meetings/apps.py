from django.apps import AppConfig


def _discussed(*, user, case) -> bool:
    from .models import AgendaItem
    return AgendaItem.objects.filter(case=case).exists()


class MeetingsConfig(AppConfig):
    name = "xinfang.meetings"
    label = "meetings"
    verbose_name = "联席会议"

    def ready(self) -> None:
        from xinfang.web.case_sections import CaseSection, case_section_register

        # The meetings that discussed a case, their decisions and follow-ups, on its page
        # (only for a case some meeting has had on its agenda).
        case_section_register(CaseSection(key="meetings", title="联席会议", url_name="meetings:case", order=30,
                                          visible=_discussed))
