"""Reading the record forms' POST data into the dicts the services parse (schemas.py).
Nothing is judged here: the services say what is wrong, naming the field."""
import datetime as dt

OFFICIAL_ROWS = 5


def record_from_post(post) -> dict:
    """RecordIn's data, and the rows of officials as typed (empty rows left out)."""
    officials = []
    for i in range(OFFICIAL_ROWS):
        name, job = post.get(f"o{i}-name", "").strip(), post.get(f"o{i}-post", "").strip()
        unit = post.get(f"o{i}-unit_id", "").strip()
        if name or job:
            officials.append({"name": name, "post": job, **({"unit_id": unit} if unit else {})})
    return {"grounds": post.getlist("grounds"), "other_ground": post.get("other_ground", ""),
            "finding": post.get("finding", ""), "unit_ids": [u for u in post.getlist("unit_ids") if u],
            "officials": officials}


def record_typed(data: dict) -> dict:
    """What the form shows again: the data, with OFFICIAL_ROWS official rows."""
    rows = list(data.get("officials", []))[:OFFICIAL_ROWS]
    rows += [{"name": "", "post": "", "unit_id": ""}] * (OFFICIAL_ROWS - len(rows))
    return {**data, "grounds": [str(g) for g in data.get("grounds", [])],
            "unit_ids": [str(u) for u in data.get("unit_ids", [])],
            "officials": [{**r, "unit_id": str(r.get("unit_id") or "")} for r in rows]}


def decide_from_post(post) -> dict:
    data = {"measures": post.getlist("measures"), "measure_note": post.get("measure_note", ""),
            "decision_organ": post.get("decision_organ", ""), "decision_number": post.get("decision_number", "")}
    if post.get("decided_on", "").strip():
        data["decided_on"] = post["decided_on"].strip()
    return data


def close_from_post(post) -> dict:
    return {"close_note": post.get("close_note", "")}


def version_from_post(post) -> int | None:
    raw = post.get("version", "")
    return int(raw) if raw.isdigit() else None


def period_from_get(get, *, today: dt.date) -> tuple[dt.date, dt.date, list[str]]:
    """The period of the figures (?from=&to=), this year to date by default; a date that does
    not parse is ignored with a message naming it."""
    errors, out = [], {}
    defaults = {"from": dt.date(today.year, 1, 1), "to": today}
    for name, label in (("from", "起始日期"), ("to", "截止日期")):
        raw = get.get(name, "").strip()
        try:
            out[name] = dt.date.fromisoformat(raw) if raw else defaults[name]
        except ValueError:
            errors.append(f"「{label}」不是有效日期（格式：YYYY-MM-DD），已按默认期间显示。")
            out[name] = defaults[name]
    return out["from"], out["to"], errors
