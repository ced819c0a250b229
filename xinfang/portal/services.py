"""Portal writes: captcha challenges, an online petition (registered together with its
attachments, all or nothing), and the petitioner's own steps on a matter through the
workflow's public transitions (rate; ask for 复查 / 复核)."""
import datetime as dt
import secrets
import unicodedata

from django.conf import settings
from django.db import transaction
from pydantic import ValidationError

from xinfang.core import clock
from xinfang.core.attachments import attachment_check, attachment_limits, attachments_add
from xinfang.core.errors import ValidationFailed
from xinfang.core.models import Case
from xinfang.core.services import case_transition
from xinfang.core.validation import validation_error_dict_convert
from xinfang.petitions.services import petition_register

from .captcha import sum_answer, sum_as_symbols, sum_as_words, sum_new
from .models import CaptchaChallenge, CaptchaKind
from .schemas import OnlinePetitionIn
from .selectors import petition_by_query_code


def captcha_minutes() -> int:
    """How long a challenge may be answered: long enough to type a petition on a phone."""
    return int(getattr(settings, "XINFANG_PORTAL_CAPTCHA_MINUTES", 60))


class SubmissionInvalid(ValidationFailed):
    """Every problem of one submission at once, by form field, so the resident fixes them
    in one go; `message`/`field` are the first, as for any ValidationFailed."""

    def __init__(self, errors: dict[str, str]):
        field, message = next(iter(errors.items()))
        super().__init__(message, field=field or None)
        self.errors = errors


# --- captcha ------------------------------------------------------------------------------

def captcha_issue(*, kind: str = CaptchaKind.IMAGE) -> CaptchaChallenge:
    """A new challenge. The page gets only its random key; the answer stays in this table.
    Challenges older than a day are cleared on the way (nothing else needs them)."""
    now = clock.now()
    CaptchaChallenge.objects.filter(created_at__lt=now - dt.timedelta(days=1)).delete()
    a, op, b = sum_new()
    kind = kind if kind in CaptchaKind.values else CaptchaKind.IMAGE
    question = sum_as_words(a, op, b) if kind == CaptchaKind.TEXT else sum_as_symbols(a, op, b)
    return CaptchaChallenge.objects.create(key=secrets.token_urlsafe(24), kind=kind, question=question,
                                           answer=str(sum_answer(a, op, b)), created_at=now)


def _answer_normalize(answer: str) -> str:
    # Full-width digits (１２) from a Chinese keyboard count as the digits they are.
    return unicodedata.normalize("NFKC", answer or "").strip()


def captcha_redeem(*, key: str, answer: str) -> None:
    """Judge an answer once: the first attempt, right or wrong, uses the challenge up (so it
    cannot be replayed nor guessed at), and an expired one is refused."""
    now = clock.now()
    challenge = CaptchaChallenge.objects.filter(key=key or "").first()
    fresh = now - dt.timedelta(minutes=captcha_minutes())
    # The conditional update is the lock: of two requests racing with one key, one wins.
    claimed = challenge is not None and CaptchaChallenge.objects.filter(
        pk=challenge.pk, used_at__isnull=True, created_at__gte=fresh).update(used_at=now) == 1
    if not claimed:
        if challenge is None:
            raise ValidationFailed("验证码已失效，请计算新的验证码后再提交。", field="captcha")
        if challenge.used_at is not None:
            raise ValidationFailed("验证码已使用过，请计算新的验证码后再提交。", field="captcha")
        raise ValidationFailed("验证码已过期，请计算新的验证码后再提交。", field="captcha")
    given = _answer_normalize(answer)
    if not given:
        raise ValidationFailed("请填写验证码（计算结果）。", field="captcha")
    if given != challenge.answer:
        raise ValidationFailed("验证码计算结果不正确，请计算新的验证码后再提交。", field="captcha")


# --- the online petition --------------------------------------------------------------------

# Where a refusal of petition_register lands on the online form.
_REGISTER_FIELDS = {
    "petitioners": "phone", "petitioners.0.name": "name", "petitioners.0.phone": "phone",
    "petitioners.0.address": "address", "petitioners.0.id_number": "id_number", "content": "facts",
}


def online_petition_problems(data: dict) -> tuple[OnlinePetitionIn | None, dict[str, str]]:
    """The parsed form, or every field's first problem in Chinese (field → message)."""
    try:
        return OnlinePetitionIn.model_validate(data), {}
    except ValidationError as exc:
        errors: dict[str, str] = {}
        for err in exc.errors(include_url=False):
            problem = validation_error_dict_convert(OnlinePetitionIn, err)
            message = problem.message
            if err["type"] == "string_too_short" and not str(err.get("input") or "").strip():
                # Left empty: say so plainly, rather than "empty or too short".
                message = f"请填写{OnlinePetitionIn.model_fields[err['loc'][0]].title}。"
            errors.setdefault(problem.field or "", message)
        return None, errors


def attachments_problem(*, files: list[tuple[str, bytes]]) -> str | None:
    """The first refused attachment (too many, empty, too large, not a picture or PDF)."""
    _, max_files, _ = attachment_limits(public=True)
    if len(files) > max_files:
        return f"一次最多上传 {max_files} 个附件。"
    for name, data in files:
        try:
            attachment_check(name=name, data=data, public=True)
        except ValidationFailed as exc:
            return exc.message
    return None


def petition_submit_online(*, data: dict, files: list[tuple[str, bytes]], captcha_key: str,
                           captcha_answer: str) -> Case:
    """A petition submitted on the portal (信访工作条例 Arts 17, 19, 21): registered at the
    portal unit with its attachments in one transaction — a refused file registers nothing.

    Raises SubmissionInvalid with every problem found (the captcha is used up either way)."""
    parsed, errors = online_petition_problems(data)
    if (problem := attachments_problem(files=files)) is not None:
        errors["attachments"] = problem
    try:
        captcha_redeem(key=captcha_key, answer=captcha_answer)
    except ValidationFailed as exc:
        errors["captcha"] = exc.message
    if errors:
        raise SubmissionInvalid(errors)
    try:
        with transaction.atomic():
            case = petition_register(actor=None, actor_kind="public", data=parsed.as_petition())
            if files:
                attachments_add(case=case, actor=None, actor_kind="public", files=files)
    except ValidationFailed as exc:
        field = _REGISTER_FIELDS.get(exc.field or "", exc.field or "")
        raise SubmissionInvalid({field if field in OnlinePetitionIn.model_fields or field == "attachments"
                                 else "": exc.message}) from None
    return case


# --- the petitioner's steps on a matter -----------------------------------------------------

def petition_public_act(*, query_code: str, action: str, payload: dict) -> Case:
    """A step the workflow table gives the petitioner (评价, 申请复查, 申请复核), taken by
    whoever holds the query code; the table and its guards decide what is allowed."""
    case = petition_by_query_code(query_code=query_code)
    return case_transition(case=case, actor=None, actor_kind="public", action=action, version=case.version,
                           payload=payload)
