"""Form plumbing for the staff pages: reading POST data into the dicts the services take,
and describing the inputs of a workflow action from its pydantic payload model.

Validation is never done here: the services (through pydantic) decide what is valid and
say why in Chinese; these helpers only parse and describe.
"""
import dataclasses
import datetime as dt
import enum
import types
import typing
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from pydantic import BaseModel

PETITIONER_ROWS = 5
PETITIONER_FIELDS = ("name", "id_number", "phone", "address")


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码不正确。",
        "inactive": "该账号已停用。",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "用户名"
        self.fields["password"].label = "密码"


# --- fields generated from a payload model ------------------------------------------------

@dataclasses.dataclass
class InputField:
    name: str
    label: str
    widget: str                 # select / number / date / checkbox / text / textarea
    required: bool
    value: typing.Any = ""
    choices: list[tuple[str, str]] = dataclasses.field(default_factory=list)
    max_length: int | None = None
    error: str = ""


def _unwrap_optional(annotation):
    """`int | None` → (int, True)."""
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) in (typing.Union, types.UnionType) and type(None) in args:
        rest = [a for a in args if a is not type(None)]
        return (rest[0] if len(rest) == 1 else annotation), True
    return annotation, False


def _max_length(info) -> int | None:
    for meta in info.metadata:
        value = getattr(meta, "max_length", None)
        if value is not None:
            return value
    return None


# Long free text gets a textarea; short strings (numbers, names) a single line.
LONG_TEXT_FROM = 300


def payload_fields(model: type[BaseModel], *, values: dict | None = None, error=None,
                   unit_choices: list[tuple[str, str]] = (),
                   user_choices: list[tuple[str, str]] = ()) -> list[InputField]:
    values = values or {}
    out = []
    for name, info in model.model_fields.items():
        annotation, optional = _unwrap_optional(info.annotation)
        required = info.is_required()
        default = "" if info.default is None or required else info.default
        value = values.get(name, default)
        if isinstance(value, enum.Enum):
            value = value.value
        field = InputField(name=name, label=info.title or name, widget="text", required=required, value=value,
                           max_length=_max_length(info))
        if name == "unit_id":
            field.widget, field.choices = "select", list(unit_choices)
        elif name == "user_id":
            field.widget, field.choices = "select", list(user_choices)
        elif isinstance(annotation, type) and issubclass(annotation, enum.Enum):
            field.widget = "select"
            field.choices = [(m.value, getattr(m, "label", m.value)) for m in annotation]
        elif annotation is bool:
            field.widget = "checkbox"
            field.value = bool(value) and value not in ("", "0", "false", "off")
        elif annotation is int:
            field.widget = "number"
        elif annotation is dt.date:
            field.widget = "date"
        elif annotation is str and (field.max_length is None or field.max_length >= LONG_TEXT_FROM) \
                and name not in ("case_number",):
            field.widget = "textarea"
        if error is not None and error.field and error.field.split(".")[0] == name:
            field.error = error.message
        out.append(field)
    return out


def payload_from_post(model: type[BaseModel], post) -> dict:
    """The POSTed values of a payload model's fields, as strings for pydantic to parse.
    An empty non-text input is left out, so a required one reads as missing."""
    data = {}
    for name, info in model.model_fields.items():
        annotation, _ = _unwrap_optional(info.annotation)
        if annotation is bool:
            data[name] = post.get(name) in ("on", "1", "true")
            continue
        raw = post.get(name)
        if raw is None:
            continue
        if annotation is not str and raw.strip() == "":
            continue
        data[name] = raw
    return data


# --- registration ------------------------------------------------------------------------

REGISTRATION_FIELDS = ("title", "content", "channel", "claim_type", "received_date", "person_count",
                       "reception_level", "category_id", "place_unit_id", "accused_unit_id")
# 现场办结 on the registration form: petitions.schemas.OnSpotIn, posted as on_spot-<name>.
ON_SPOT_FIELDS = ("occasion", "outcome", "acknowledgement", "satisfaction")


def registration_from_post(post) -> tuple[dict, dict, list[int]]:
    """(data for PetitionIn, what the user typed to show again, form row of each petitioner).

    Empty petitioner rows are ignored; `rows[i]` is the form row of data petitioner i, so an
    error on `petitioners.i.field` lands next to the row the user typed it in."""
    typed = {name: post.get(name, "") for name in REGISTRATION_FIELDS}
    typed["is_skip_level"] = post.get("is_skip_level") == "on"
    data = {name: value for name, value in typed.items() if value != "" and name != "is_skip_level"}
    data["is_skip_level"] = typed["is_skip_level"]
    petitioners, rows, typed_rows = [], [], []
    for i in range(PETITIONER_ROWS):
        row = {f: post.get(f"p{i}-{f}", "").strip() for f in PETITIONER_FIELDS}
        row["is_representative"] = post.get(f"p{i}-is_representative") == "on"
        typed_rows.append(row)
        if any(row[f] for f in PETITIONER_FIELDS):
            petitioners.append(row)
            rows.append(i)
    data["petitioners"] = petitioners
    typed["petitioners"] = typed_rows
    # 现场办结: its inputs count only when the box is ticked (they are on the page either way).
    typed["on_spot"] = post.get("on_spot") == "on"
    typed["on_spot_values"] = {f: post.get(f"on_spot-{f}", "").strip() for f in ON_SPOT_FIELDS}
    if typed["on_spot"]:
        data["on_spot"] = {f: v for f, v in typed["on_spot_values"].items() if v != ""}
    return data, typed, rows


class ReceptionDayForm(forms.Form):
    leader = forms.TypedChoiceField(label="接访领导", coerce=int)
    date = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}),
                           error_messages={"required": "日期为必填项。", "invalid": "日期格式不正确（YYYY-MM-DD）。"})
    place = forms.CharField(label="地点", max_length=100, required=False)
    topic = forms.CharField(label="主题", max_length=100, required=False)

    def __init__(self, *args, leaders=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].choices = [(u.pk, f"{u}（{u.unit}）") for u in leaders]
        self.fields["leader"].error_messages["required"] = "请选择接访领导。"
        self.fields["leader"].error_messages["invalid_choice"] = "请选择接访领导。"


# --- the case list's conditions ------------------------------------------------------------

@dataclasses.dataclass
class ListChoice:
    """One select of the filter form: its GET name, label and options (value, text)."""
    name: str
    label: str
    options: list[tuple[str, str]]
    make: typing.Callable[[str], typing.Any] | None = None   # value → model instance, where one is needed


@dataclasses.dataclass
class CaseListQuery:
    """The case list's conditions read from a query string: what to filter and sort by, what
    to show back in the form, what was refused (each with a message naming the field), a
    line describing the conditions (for the export's title), and the normalised query string."""
    values: dict[str, str]
    filters: dict
    order: str
    errors: list[str]
    description: str
    querystring: str


LIST_SELECTS = ("kind", "status", "unit", "category", "channel", "deadline", "open")
LIST_PARAMS = (*LIST_SELECTS, "q", "from", "to", "sort")
LIST_TEXT_MAX = 100


def case_list_query_parse(get, *, choices: dict[str, ListChoice], orders: dict[str, tuple]) -> CaseListQuery:
    """Read the list's GET parameters. A value that is not one of the choices (or not a date)
    is ignored with a message naming the field, so a pasted or stale link still shows a list."""
    values, filters, errors, described = {}, {}, [], []
    for name in LIST_SELECTS:
        raw = get.get(name, "").strip()
        if not raw:
            continue
        choice = choices[name]
        options = dict(choice.options)
        if raw not in options:
            errors.append(f"「{choice.label}」的值“{raw[:40]}”无效，已忽略。")
            continue
        values[name] = raw
        described.append(f"{choice.label}：{options[raw].strip()}")
        if name == "open":
            filters["is_open"] = raw == "1"
        elif name == "deadline":
            filters["deadline_state"] = raw
        elif name in ("unit", "category"):
            filters[name] = choice.make(raw)
        else:
            filters[name] = raw
    text = get.get("q", "").strip()
    if len(text) > LIST_TEXT_MAX:
        errors.append(f"「标题或编号」不能超过{LIST_TEXT_MAX}个字，已忽略。")
    elif text:
        values["q"] = filters["text"] = text
        described.append(f"标题或编号含：{text}")
    dates = {}
    for name, label in (("from", "收到日期（起）"), ("to", "收到日期（止）")):
        raw = get.get(name, "").strip()
        if not raw:
            continue
        try:
            dates[name] = dt.date.fromisoformat(raw)
        except ValueError:
            errors.append(f"「{label}」不是有效日期（格式：YYYY-MM-DD），已忽略。")
            continue
        values[name] = raw
    if "from" in dates and "to" in dates and dates["from"] > dates["to"]:
        errors.append("「收到日期（起）」晚于「收到日期（止）」，日期条件已忽略。")
        values.pop("from"), values.pop("to")
        dates = {}
    if dates:
        filters["received_from"], filters["received_to"] = dates.get("from"), dates.get("to")
        described.append(f"收到日期：{values.get('from', '……')} 至 {values.get('to', '……')}")
    order = get.get("sort", "").strip()
    if order and order not in orders:
        errors.append(f"「排序」的值“{order[:40]}”无效，已按收到日期排序。")
        order = ""
    if order:
        values["sort"] = order
    order = order or "-received"
    described.append(f"排序：{orders[order][0]}")
    query = {name: values[name] for name in LIST_PARAMS if name in values}
    return CaseListQuery(values=values, filters=filters, order=order, errors=errors,
                         description="；".join(described), querystring=urlencode(query))


class ListFilterParse:
    """A list page's filters read from a query string, one value at a time. A value that
    does not parse is named in `errors` and left out — the list is never silently
    widened — and each one taken is described in words for the page and the export's
    title row. `values` keep what was typed that parsed, for the form and the
    querystring of the next page."""

    def __init__(self, get, keys):
        self.values = {k: get.get(k, "").strip() for k in keys}
        self.errors: list[str] = []
        self.parts: list[str] = []

    def choice(self, key: str, choices: dict, label: str, *, into, attr: str | None = None) -> None:
        raw = self.values[key]
        if not raw:
            return
        if raw not in choices:
            self.errors.append(f"「{label}」的取值无效，已忽略。")
            self.values[key] = ""
            return
        setattr(into, attr or key, raw)
        self.parts.append(f"{label}：{choices[raw]}")

    def pick(self, key: str, options: dict, label: str, *, missing: str = "不存在"):
        """The object `options` has under the typed key (a unit, an inspection), or None."""
        raw = self.values[key]
        if not raw:
            return None
        found = options.get(raw)
        if found is None:
            self.errors.append(f"「{label}」{missing}，已忽略。")
            self.values[key] = ""
            return None
        self.parts.append(f"{label}：{found.name}")
        return found

    def flag(self, key: str, *, yes: str, no: str | None = None) -> bool | None:
        """"1" → True, "0" → False where `no` describes it, anything else → no filter."""
        raw = self.values[key]
        if raw == "1" or (raw == "0" and no is not None):
            self.parts.append(yes if raw == "1" else no)
            return raw == "1"
        return None

    def date_range(self, start: str, end: str, label: str) -> tuple[dt.date | None, dt.date | None]:
        out = []
        for key, side in ((start, "自"), (end, "至")):
            raw, day = self.values[key], None
            if raw:
                try:
                    day = dt.date.fromisoformat(raw)
                except ValueError:
                    self.errors.append(f"「{label} {side}」“{raw[:20]}”不是有效日期（格式：YYYY-MM-DD），已忽略。")
            if day is None:
                self.values[key] = ""
            out.append(day)
        if out[0]:
            self.parts.append(f"{out[0]:%Y-%m-%d} 起")
        if out[1]:
            self.parts.append(f"至 {out[1]:%Y-%m-%d}")
        return out[0], out[1]

    def text(self, text: str | None) -> None:
        if text:
            self.parts.append(f"关键词：{text}")

    @property
    def description(self) -> str:
        return "；".join(self.parts)

    @property
    def querystring(self) -> str:
        return urlencode({k: v for k, v in self.values.items() if v})


def unit_options(units) -> list[tuple[str, str]]:
    """(value, label) pairs of a unit picker: each unit indented by its depth in the tree."""
    return [(str(u.pk), "\u3000" * u.depth + u.name) for u in units]


def select_options(options, selected: str = "") -> str:
    """The <option>s of a select, built in Python: the category tree has hundreds of
    entries, and a template loop over them costs more than the rest of the page."""
    from django.utils.html import escape
    from django.utils.safestring import mark_safe

    selected = str(selected or "")
    return mark_safe("".join(
        f'<option value="{escape(v)}"{" selected" if str(v) == selected else ""}>{escape(label)}</option>'
        for v, label in options))
