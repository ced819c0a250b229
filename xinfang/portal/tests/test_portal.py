"""The public portal through its pages (Django's test client): submitting with every bad
input refused (a clear Chinese message naming the field, nothing registered, typed values
kept), the captcha, attachments all-or-nothing, following with the query code, rating,
asking for 复查, the rate limits, and the guide."""
import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from xinfang.core import clock
from xinfang.core.models import Attachment, Case, Event, NumberSequence
from xinfang.petitions.selectors import petition_parties_for
from xinfang.petitions.tests.builders import ANSWER, act
from xinfang.portal.models import CaptchaChallenge

PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4c00000000049454e44ae426082")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
FORM = dict(name="王五", phone="13800138000", address="示范区甲街道幸福路1号", claim_type="request",
            title="小区路灯损坏", request="请求尽快修复小区路灯。", facts="幸福路小区路灯已损坏两个月，夜间出行不便。")
LABELS = dict(name="姓名", phone="联系电话", address="住址", title="标题", request="诉求", facts="事实和理由")


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The rate limits count in the cache; each test starts from zero.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def web(tree):
    return Client()


def captcha_key(response) -> str:
    return re.search(r'name="captcha_key" value="([^"]+)"', response.content.decode()).group(1)


def captcha_new(client: Client, kind: str = "") -> tuple[str, str]:
    """A fresh challenge as the form shows it, and (test-only) its answer from the database."""
    key = captcha_key(client.get("/portal/submit/" + (f"?captcha={kind}" if kind else "")))
    return key, CaptchaChallenge.objects.get(key=key).answer


def submit(client: Client, *, files=(), answer: str | None = None, key: str | None = None, **fields):
    if key is None:
        key, right = captcha_new(client)
        answer = right if answer is None else answer
    data = {**FORM, **fields, "captcha_key": key, "captcha": answer}
    if files:
        from django.core.files.uploadedfile import SimpleUploadedFile
        data["attachments"] = [SimpleUploadedFile(name, content) for name, content in files]
    return client.post("/portal/submit/", data)


def assert_refused(r, message: str, *, field: str, kept: dict | None = None):
    """422, the message at the field, nothing registered, what was typed shown again."""
    html = r.content.decode()
    assert r.status_code == 422, r.status_code
    assert message in html
    assert f'id="e-{field}"' in html and message in html.split(f'id="e-{field}"')[1][:300]
    assert Case.objects.count() == 0 and Attachment.objects.count() == 0
    for value in (kept or {}).values():
        assert value in html


# --- submitting ---------------------------------------------------------------------------------

def test_a_submission_is_registered_at_the_portal_unit_with_its_files(web, tree):
    r = submit(web, files=[("路灯.png", PNG), ("告知书.pdf", PDF)], id_number="11010519491231002x")
    assert r.status_code == 302 and r["Location"] == "/portal/submit/done/"
    case = Case.objects.get()
    assert (case.registered_unit, case.owner_unit, case.status) == (tree.bureau, tree.bureau, "registered")
    assert case.petition.channel == "web" and case.title == FORM["title"]
    assert FORM["request"] in case.content and FORM["facts"] in case.content
    person = case.petitioners.get()
    assert (person.name, person.phone, person.address, person.id_number) == (
        FORM["name"], FORM["phone"], FORM["address"], "11010519491231002X")
    assert sorted(Attachment.objects.filter(case=case).values_list("name", flat=True)) == ["告知书.pdf", "路灯.png"]
    assert list(case.events.filter(is_public=True).values_list("public_text", flat=True)) == [
        "信访事项已登记", "提交附件 2 个"]

    done = web.get(r["Location"]).content.decode()
    assert case.number in done and case.query_code in done and "请抄写、截图或拍照保存查询码" in done
    due = case.deadlines.get(key="acceptance_notice").due_date
    assert f"{due.year}年{due.month}月{due.day}日前" in done and "15日内" in done


def test_a_submission_appears_in_the_portal_units_staff_list(web, tree):
    submit(web)
    case = Case.objects.get()
    staff = Client()
    staff.force_login(tree.registrar)
    assert case.number in staff.get("/cases/").content.decode()
    other = Client()
    other.force_login(tree.handler_b)
    assert case.number not in other.get("/cases/").content.decode()


@pytest.mark.parametrize("field", list(LABELS))
def test_each_required_field_left_empty_is_named(web, field):
    kept = {k: v for k, v in FORM.items() if k != field and k in LABELS}
    assert_refused(submit(web, **{field: "  "}), f"请填写{LABELS[field]}。", field=field, kept=kept)


def test_all_problems_are_listed_at_once(web):
    r = submit(web, name="", phone="12345", facts="", answer="-1")
    html = r.content.decode()
    summary = html.split('class="error-summary"')[1].split("</div>")[0]
    for message in ("请填写姓名。", "电话号码格式不正确", "请填写事实和理由。", "验证码计算结果不正确"):
        assert message in summary
    assert Case.objects.count() == 0


@pytest.mark.parametrize("fields, message, field", [
    (dict(phone="12345"), "电话号码格式不正确（手机11位，或带区号的固定电话）。", "phone"),
    (dict(id_number="110105194912310021"), "身份证号校验位不正确，请核对。", "id_number"),
    (dict(id_number="1101051949"), "身份证号应为18位", "id_number"),
    (dict(title="灯"), "标题不能为空或过短。", "title"),
    (dict(category_id="999999"), "分类不存在。", "category_id"),
    (dict(category_id="abc"), "问题分类必须是整数。", "category_id"),
    (dict(claim_type="whatever"), "信访类别的取值无效", "claim_type"),
])
def test_bad_values_are_refused_naming_the_field(web, fields, message, field):
    assert_refused(submit(web, **fields), message, field=field, kept={"address": FORM["address"]})


def test_an_accused_unit_only_for_an_accusation(web, tree):
    r = submit(web, accused_unit_id=str(tree.housing.pk))
    assert_refused(r, "只有检举控告类事项才填写被反映单位。", field="accused_unit_id")
    # As an accusation: registered, and the accused unit's people never see who sent it.
    assert submit(web, claim_type="accusation", accused_unit_id=str(tree.housing.pk)).status_code == 302
    case = Case.objects.get()
    assert case.accused_unit == tree.housing
    assert petition_parties_for(user=tree.handler_h, case=case)[0]["hidden"] is True
    assert petition_parties_for(user=tree.registrar, case=case)[0]["name"] == FORM["name"]


# --- the captcha ----------------------------------------------------------------------------------

def test_a_wrong_captcha_registers_nothing_and_keeps_the_form(web):
    r = submit(web, answer="999")
    assert_refused(r, "验证码计算结果不正确，请计算新的验证码后再提交。", field="captcha", kept=FORM)
    assert CaptchaChallenge.objects.filter(used_at__isnull=False).count() == 1
    # A new challenge is on the refused page; answering it goes through.
    key = captcha_key(r)
    assert not CaptchaChallenge.objects.get(key=key).used_at
    r = submit(web, key=key, answer=CaptchaChallenge.objects.get(key=key).answer)
    assert r.status_code == 302 and Case.objects.count() == 1


def test_a_captcha_is_used_once_right_or_wrong(web):
    key, answer = captcha_new(web)
    assert submit(web, key=key, answer=answer).status_code == 302
    r = submit(web, key=key, answer=answer, title="另一件事情")
    assert "验证码已使用过" in r.content.decode() and r.status_code == 422
    assert Case.objects.count() == 1
    # A wrong guess uses it up too: the right answer afterwards does not help.
    key, answer = captcha_new(web)
    submit(web, key=key, answer="0" if answer != "0" else "1")
    assert "验证码已使用过" in submit(web, key=key, answer=answer).content.decode()
    assert Case.objects.count() == 1


def test_an_empty_unknown_or_expired_captcha_is_refused(web):
    r = submit(web, answer="  ")
    assert_refused(r, "请填写验证码（计算结果）。", field="captcha")
    assert_refused(submit(web, key="made-up", answer="3"), "验证码已失效", field="captcha")
    start = dt.datetime(2026, 3, 2, 9, 0)
    with clock.frozen(start):
        key, answer = captcha_new(web)
    with clock.frozen(start + dt.timedelta(minutes=61)):
        assert_refused(submit(web, key=key, answer=answer), "验证码已过期", field="captcha")
    with clock.frozen(start):
        key, answer = captcha_new(web)
    with clock.frozen(start + dt.timedelta(minutes=59)):
        assert submit(web, key=key, answer=answer).status_code == 302


def test_full_width_digits_count(web):
    key, answer = captcha_new(web)
    wide = "".join(chr(ord(c) + 0xFEE0) for c in answer)
    assert submit(web, key=key, answer=wide).status_code == 302


def test_the_captcha_picture_is_strokes_not_text(web):
    key, answer = captcha_new(web)
    r = web.get(f"/portal/captcha/{key}.svg")
    svg = r.content.decode()
    assert r.status_code == 200 and r["Content-Type"] == "image/svg+xml" and r["Cache-Control"] == "no-store"
    question = CaptchaChallenge.objects.get(key=key).question
    assert "<path" in svg and "<text" not in svg and question not in svg
    submit(web, key=key, answer=answer)
    assert web.get(f"/portal/captcha/{key}.svg").status_code == 404


def test_the_text_alternative_asks_in_words(web):
    r = web.get("/portal/submit/?captcha=text")
    key = captcha_key(r)
    challenge = CaptchaChallenge.objects.get(key=key)
    assert challenge.kind == "text" and challenge.question in r.content.decode()
    assert re.fullmatch(r"[零一二三四五六七八九十]+(加|减去)[零一二三四五六七八九十]+等于多少？请用阿拉伯数字作答。",
                        challenge.question)
    assert web.get(f"/portal/captcha/{key}.svg").status_code == 404  # no picture of a text question
    assert submit(web, key=key, answer=challenge.answer).status_code == 302


def test_a_new_question_keeps_what_was_typed(web):
    key, _ = captcha_new(web)
    r = web.post("/portal/submit/", {**FORM, "captcha_key": key, "captcha": "", "captcha_new": "text"})
    html = r.content.decode()
    assert r.status_code == 200 and captcha_key(r) != key and FORM["facts"] in html and FORM["name"] in html
    assert CaptchaChallenge.objects.get(key=captcha_key(r)).kind == "text"
    assert Case.objects.count() == 0


# --- attachments: all or nothing --------------------------------------------------------------------

@override_settings(XINFANG_PORTAL_UPLOAD_MAX_MB=1)
def test_an_oversize_file_registers_nothing(web, tree):
    big = PNG + b"\0" * (1024 * 1024)
    r = submit(web, files=[("照片.png", PNG), ("大照片.png", big)])
    assert_refused(r, "附件「大照片.png」超过 1 MB 的大小限制。", field="attachments", kept={"n": FORM["facts"]})
    assert NumberSequence.objects.filter(last__gt=0).count() == 0
    assert submit(web).status_code == 302
    assert Case.objects.get().number.endswith("-00001")  # no number was used up by the refusal


def test_a_file_that_is_not_a_picture_or_pdf_is_refused(web):
    docx = b"PK\x03\x04" + b"\0" * 100
    assert_refused(submit(web, files=[("材料.docx", docx)]), "附件「材料.docx」的格式不被接受", field="attachments")
    assert_refused(submit(web, files=[("照片.png", b"MZ\x90\x00 not a picture")]), "附件「照片.png」的格式不被接受",
                   field="attachments")
    assert_refused(submit(web, files=[("空.png", b"")]), "是空文件", field="attachments")


@override_settings(XINFANG_PORTAL_UPLOAD_MAX_FILES=2)
def test_too_many_files_are_refused(web):
    assert_refused(submit(web, files=[(f"{i}.png", PNG) for i in range(3)]), "一次最多上传 2 个附件。",
                   field="attachments")


def test_files_must_be_chosen_again_after_a_refusal(web):
    r = submit(web, files=[("照片.png", PNG)], phone="1")
    assert_refused(r, "为安全起见，附件未保存，请重新选择。", field="attachments")


# --- following a matter -------------------------------------------------------------------------------

def _registered(web) -> Case:
    submit(web)
    return Case.objects.get()


def _answered(tree, case: Case) -> Case:
    act(case, tree.registrar, "assign", unit_id=tree.street_a.pk)
    act(case, tree.handler_a, "accept", note="内部说明：请尽快核实")
    act(case, tree.handler_a, "submit_answer", **ANSWER)
    act(case, tree.reviewer_a, "approve_answer", note="内部审核意见")
    case.refresh_from_db()
    return case


def test_follow_with_the_code_shows_progress_but_no_people(tree):
    case = _registered(Client())
    _answered(tree, case)
    resident = Client()
    r = resident.post("/portal/follow/", {"query_code": f" {case.query_code[:5].lower()} {case.query_code[5:]} "})
    assert r.status_code == 302 and r["Location"] == "/portal/follow/matter/"
    html = resident.get("/portal/follow/matter/").content.decode()
    assert "已出具处理意见" in html and case.number in html and ANSWER["facts"] in html
    assert "交办至甲街道" in html and "办理期限" in html and "复查申请期" in html
    for private in (FORM["name"], FORM["phone"], FORM["address"], "handler_a", "reviewer_a", "内部说明", "内部审核意见",
                    "异议期"):
        assert private not in html
    # 结束查看: the next person at this computer sees nothing.
    resident.post("/portal/follow/end/")
    assert resident.get("/portal/follow/matter/")["Location"] == "/portal/follow/"


@pytest.mark.parametrize("code", ["ZZZZZZZZZZ", "", "'; drop table", "A" * 100])
def test_a_wrong_code_gets_the_same_not_found(tree, code):
    r = Client().post("/portal/follow/", {"query_code": code})
    assert r.status_code == 404 and "查询码不存在，请核对后重新输入。" in r.content.decode()


@override_settings(XINFANG_API_PUBLIC_RATE="3/m")
def test_following_is_rate_limited_together_with_the_api(web, tree):
    case = _registered(web)
    guesser = Client()
    assert guesser.get("/api/v1/public/track/ZZZZZZZZZZ").status_code == 404
    for _ in range(2):
        assert guesser.post("/portal/follow/", {"query_code": "ZZZZZZZZZZ"}).status_code == 404
    # The budget is spent: even the right code is not looked up now.
    r = guesser.post("/portal/follow/", {"query_code": case.query_code})
    assert r.status_code == 429 and "操作过于频繁" in r.content.decode()
    assert Client(REMOTE_ADDR="10.0.0.9").post("/portal/follow/", {"query_code": case.query_code}).status_code == 302


@override_settings(XINFANG_PORTAL_SUBMIT_RATE="2/m")
def test_submitting_is_rate_limited(web):
    assert submit(web).status_code == 302
    assert submit(web, answer="999").status_code == 422
    r = submit(web, title="第三件事情")
    assert r.status_code == 429 and "操作过于频繁" in r.content.decode() and "第三件事情" in r.content.decode()
    assert Case.objects.count() == 1


# --- rating and asking for 复查 ------------------------------------------------------------------------

def _following(case: Case) -> Client:
    resident = Client()
    resident.post("/portal/follow/", {"query_code": case.query_code})
    return resident


def test_rate_unsatisfied_shows_how_to_ask_for_review(web, tree):
    case = _answered(tree, _registered(web))
    resident = _following(case)
    assert "评价答复意见" in resident.get("/portal/follow/matter/").content.decode()
    r = resident.post("/portal/follow/matter/", {"action": "rate", "level": "unsatisfied", "comment": "不认可"})
    assert r.status_code == 302
    html = resident.get("/portal/follow/matter/").content.decode()
    window = case.deadlines.get(key="review_window").due_date
    assert "感谢您的评价" in html and "您已评价：<strong>不满意</strong>" in html
    assert f"如不服，可于{window:%Y年%m月%d日}前向示范区申请复查" in html
    assert "网上请求复查" in html and "评价答复意见" not in html
    case.refresh_from_db()
    assert (case.petition.satisfaction, case.petition.satisfaction_comment) == ("unsatisfied", "不认可")

    events = Event.objects.filter(case=case).count()
    r = resident.post("/portal/follow/matter/", {"action": "rate", "level": "satisfied"})
    assert r.status_code == 422 and "本阶段的答复已经评价过。" in r.content.decode()
    case.refresh_from_db()
    assert case.petition.satisfaction == "unsatisfied" and Event.objects.filter(case=case).count() == events

    # 网上请求复查: the matter goes to the organ one level up.
    r = resident.post("/portal/follow/matter/", {"action": "request_review", "reason": "路灯修了又坏，处理不到位。"})
    assert r.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.owner_unit) == ("review_requested", tree.district)
    assert "复查请求已提交" in resident.get("/portal/follow/matter/").content.decode()


def test_rating_needs_an_answer_and_a_valid_level(web, tree):
    case = _registered(web)
    resident = _following(case)
    html = resident.get("/portal/follow/matter/").content.decode()
    assert "评价答复意见" not in html and "已登记，待受理" in html
    r = resident.post("/portal/follow/matter/", {"action": "rate", "level": "satisfied"})
    assert r.status_code == 409 and "不能执行「评价」" in r.content.decode()
    _answered(tree, case)
    r = resident.post("/portal/follow/matter/", {"action": "rate", "level": "so-so", "comment": "一般般"})
    html = r.content.decode()
    assert r.status_code == 422 and "满意度的取值无效" in html and "一般般" in html
    r = resident.post("/portal/follow/matter/", {"action": "close", "note": "自行办结"})
    assert r.status_code == 403 and "您没有执行「办结」的权限" in r.content.decode()
    case.refresh_from_db()
    assert case.petition.satisfaction == "" and case.status == "answered"


@override_settings(XINFANG_API_RATING_RATE="2/m")
def test_rating_is_rate_limited(web, tree):
    case = _answered(tree, _registered(web))
    resident = _following(case)
    for _ in range(2):
        resident.post("/portal/follow/matter/", {"action": "rate", "level": "bad"})
    r = resident.post("/portal/follow/matter/", {"action": "rate", "level": "satisfied"})
    assert r.status_code == 429 and "操作过于频繁" in r.content.decode()
    case.refresh_from_db()
    assert case.petition.satisfaction == ""


# --- pages without a matter -------------------------------------------------------------------------------

@pytest.mark.parametrize("url, texts", [
    ("/portal/", ["我要信访", "查询进度", "办事指南"]),
    ("/portal/guide/", ["受理范围", "依法分类处理", "办理时限"]),
    ("/portal/guide/scope/", ["建议意见类", "检举控告类", "申诉求决类", "第19条"]),
    ("/portal/guide/routes/", ["人民法院", "仲裁", "行政复议", "纪检监察", "第31条"]),
    ("/portal/guide/limits/", ["受理告知：15日", "办理期限：60日", "延长不超过30日", "复查申请期：30日",
                               "复核期限：30日", "信访工作条例第34条", "第36条"]),
    ("/portal/privacy/", ["看不到", "第30条", "保存多久"]),
])
def test_guide_pages(tree, url, texts):
    html = Client().get(url).content.decode()
    for text in texts:
        assert text in html, text


def test_pages_work_without_javascript_and_load_nothing_from_outside(tree):
    for url in ("/portal/", "/portal/submit/", "/portal/follow/", "/portal/guide/limits/"):
        html = Client().get(url).content.decode()
        assert "<script" not in html
        assert not re.search(r'(src|href)="(https?:)?//', html), url


def test_every_input_has_a_label(tree):
    html = Client().get("/portal/submit/").content.decode()
    ids = re.findall(r'<(?:input|select|textarea)[^>]*\sid="([^"]+)"', html)
    assert len(ids) >= 12
    for i in ids:
        assert f'for="{i}"' in html, i
    hidden = re.findall(r'<input type="hidden"', html)
    unlabelled = [m for m in re.findall(r"<(?:input|select|textarea)\b[^>]*>", html)
                  if ' id="' not in m and 'type="hidden"' not in m and 'type="radio"' not in m]
    assert hidden and not unlabelled


def test_the_result_page_needs_a_submission(tree):
    assert Client().get("/portal/submit/done/")["Location"] == "/portal/submit/"
    assert Client().get("/portal/follow/matter/")["Location"] == "/portal/follow/"
