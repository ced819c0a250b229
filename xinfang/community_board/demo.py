"""Demo data for 平安创建: (when, step) pairs merged by the demo builder into its history."""


def community_board_demo_plan(*, units, users, today, rng) -> list:
    return []
