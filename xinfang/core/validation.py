"""Turning pydantic validation errors into one clear Chinese message naming the field."""
from typing import Any

from pydantic import BaseModel, ValidationError

from .errors import ValidationFailed

_MESSAGES = {
    "missing": "{title}为必填项。",
    "string_too_short": "{title}不能为空或过短。",
    "string_too_long": "{title}过长（最多 {max_length} 字）。",
    "greater_than_equal": "{title}不能小于 {ge}。",
    "less_than_equal": "{title}不能大于 {le}。",
    "greater_than": "{title}必须大于 {gt}。",
    "less_than": "{title}必须小于 {lt}。",
    "int_parsing": "{title}必须是整数。",
    "int_type": "{title}必须是整数。",
    "date_from_datetime_parsing": "{title}不是有效日期（格式：YYYY-MM-DD）。",
    "date_parsing": "{title}不是有效日期（格式：YYYY-MM-DD）。",
    "date_type": "{title}不是有效日期（格式：YYYY-MM-DD）。",
    "enum": "{title}的取值无效，可选：{expected}。",
    "literal_error": "{title}的取值无效，可选：{expected}。",
    "bool_parsing": "{title}必须是是/否。",
    "extra_forbidden": "不认识的字段：{title}。",
    "list_type": "{title}必须是列表。",
    "too_short": "{title}至少需要 {min_length} 项。",
    "too_long": "{title}最多 {max_length} 项。",
}


class FieldValueError(ValueError):
    """Raised by a model-level validator to blame one field: pydantic reports whole-model
    errors without a location, but the form must still mark the right input."""

    def __init__(self, message: str, *, field: str):
        super().__init__(message)
        self.field = field


def _title(model: type[BaseModel], loc: tuple) -> str:
    current: Any = model
    title = ".".join(str(p) for p in loc)
    for part in loc:
        if isinstance(part, int):
            continue
        fields = getattr(current, "model_fields", None)
        if not fields or part not in fields:
            break
        info = fields[part]
        title = info.title or str(part)
        ann = info.annotation
        args = getattr(ann, "__args__", None)
        current = args[0] if args else ann
    return title


def validation_error_convert(model: type[BaseModel], exc: ValidationError) -> ValidationFailed:
    return validation_error_dict_convert(model, exc.errors(include_url=False)[0])


def validation_error_dict_convert(model: type[BaseModel], err: dict) -> ValidationFailed:
    """One pydantic error (as in `ValidationError.errors()`) as a ValidationFailed."""
    loc = tuple(err.get("loc") or ())
    ctx = dict(err.get("ctx") or {})
    title = _title(model, loc) if loc else "输入"
    template = _MESSAGES.get(err["type"])
    if err["type"] == "value_error":
        # Our own validators raise ValueError with a Chinese sentence.
        message = str(ctx.get("error") or err["msg"]).removeprefix("Value error, ")
    elif template:
        try:
            message = template.format(title=title, **ctx)
        except (KeyError, IndexError):
            message = f"{title}格式不正确。"
    else:
        message = f"{title}格式不正确。"
    field = ".".join(str(p) for p in loc) or None
    if isinstance(ctx.get("error"), FieldValueError):
        field = ".".join(filter(None, [field, ctx["error"].field]))
    return ValidationFailed(message, field=field)


def payload_parse(model: type[BaseModel], data: dict | None) -> BaseModel:
    try:
        return model.model_validate(data or {})
    except ValidationError as exc:
        raise validation_error_convert(model, exc) from None
