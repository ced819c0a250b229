"""Personal identifiers: validation (GB 11643-1999 check digit) and masking for lists."""
import datetime as dt
import re

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}|\d{7,8})$")


def id_number_check_digit(first17: str) -> str:
    total = sum(int(c) * w for c, w in zip(first17, _WEIGHTS))
    return _CHECK[total % 11]


def id_number_problem(value: str) -> str | None:
    """None if `value` is a valid 18-digit resident ID number, else why not (in Chinese)."""
    v = value.strip().upper()
    if len(v) != 18 or not v[:17].isdigit() or not (v[17].isdigit() or v[17] == "X"):
        return "身份证号应为18位：前17位数字，最后一位为数字或X。"
    try:
        dt.date(int(v[6:10]), int(v[10:12]), int(v[12:14]))
    except ValueError:
        return "身份证号中的出生日期无效。"
    if id_number_check_digit(v[:17]) != v[17]:
        return "身份证号校验位不正确，请核对。"
    return None


def phone_problem(value: str) -> str | None:
    return None if _PHONE.match(value.strip().replace(" ", "")) else "电话号码格式不正确（手机11位，或带区号的固定电话）。"


def id_number_mask(value: str) -> str:
    return value[:4] + "*" * (len(value) - 8) + value[-4:] if len(value) > 8 else "*" * len(value)


def phone_mask(value: str) -> str:
    return value[:3] + "****" + value[-4:] if len(value) >= 8 else "*" * len(value)


def address_mask(value: str) -> str:
    return value[:6] + "……" if len(value) > 6 else value
