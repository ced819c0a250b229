"""Demo data for 突发事件信息报送: (when, step) pairs merged by the demo builder into its history."""


def emergencies_demo_plan(*, units, users, today, rng) -> list:
    return []
