"""Demo data for supervision (通报): (when, step) pairs merged by the demo builder into its history."""


def supervision_demo_plan(*, units, users, today, rng) -> list:
    return []
