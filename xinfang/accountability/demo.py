"""Demo data for 责任倒查与问责: (when, step) pairs merged by the demo builder into its history."""


def accountability_demo_plan(*, units, users, today, rng) -> list:
    return []
