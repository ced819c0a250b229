"""Demo data for 专项行动: (when, step) pairs merged by the demo builder into its history."""


def campaigns_demo_plan(*, units, users, today, rng) -> list:
    return []
