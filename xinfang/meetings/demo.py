"""Demo data for 联席会议: (when, step) pairs merged by the demo builder into its history."""


def meetings_demo_plan(*, units, users, today, rng) -> list:
    return []
