from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "xinfang.campaigns"
    label = "campaigns"
    verbose_name = "专项行动"

    def ready(self) -> None:
        from xinfang.web.case_sections import CaseSection, case_section_register

        # Every case a user can see shows its campaigns (and, to those who run one, the
        # form to enrol it); the fragment itself applies the rules.
        case_section_register(CaseSection(key="campaigns", title="专项行动", url_name="campaigns:case", order=20))
