from django.apps import AppConfig


class CommunityBoardConfig(AppConfig):
    name = "xinfang.community_board"
    label = "community_board"
    verbose_name = "平安创建"
