"""Screenshots of the main staff and public pages, at a desktop (1280×900) and a phone (390×844) size.

    .venv/bin/python tests/browser/screenshots.py [--out screenshots] [--count 60] [--keep]

Builds a throwaway SQLite database under /tmp with `xinfang demo`, serves it with
`xinfang serve` on a free local port, logs in as the demo registrar in headless Debian
chromium and saves full-page PNGs into --out (git-ignored). Everything it started is
stopped and the database removed at the end (--keep leaves the database for a look).
"""
import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))

from support import CHROMIUM, CHROMIUM_MISSING, DESKTOP, PHONE, chromium_launch, context_new, login  # noqa: E402
from test_browser_portal import portal_shoot  # noqa: E402

DEMO_PASSWORD = "demo12345"  # xinfang/demo/builder.py PASSWORD
BAD_ID = "110105194912310021"


# How far the page is wider than the window, and the outermost elements that stick out.
OVERFLOW_JS = """() => {
  const w = window.innerWidth;
  const by = document.documentElement.scrollWidth - w;
  const name = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
    (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\\s+/).join('.') : '');
  const out = [];
  for (const e of document.querySelectorAll('body *')) {
    if (e.getBoundingClientRect().right > w + 1 && !(e.parentElement.getBoundingClientRect().right > w + 1)) {
      out.push(name(e.parentElement) + ' > ' + name(e));
    }
  }
  return {by, culprits: out.slice(0, 5)};
}"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def xinfang(env: dict, *args: str, **kwargs) -> subprocess.CompletedProcess:
    command = [str(Path(sys.executable).parent / "xinfang"), *args]
    return subprocess.run(command, env=env, cwd=ROOT, check=True, **kwargs)


def wait_until_up(url: str, server: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server stopped (exit {server.returncode}) before answering")
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"no answer from {url} within {seconds:.0f} s")


def django_print(env: dict, code: str) -> str:
    return xinfang(env, "shell", "--no-imports", "-c", code, capture_output=True, text=True).stdout.strip()


def captcha_answer(env: dict, key: str) -> str:
    """The portal captcha's answer, read from the database as a test does (no bypass exists)."""
    return django_print(env, "from xinfang.portal.models import CaptchaChallenge as C; "
                             f"print(C.objects.get(key={key!r}).answer)")


def answered_query_code(env: dict) -> str | None:
    return django_print(env, "from xinfang.core.models import Case; "
                             "c = Case.objects.filter(kind='petition', status='answered').first(); "
                             "print(c.query_code if c else '')") or None


def first_case(page, queries: list[str]) -> str | None:
    """The number of the first case listed by the first of these /cases/ queries that lists one."""
    for query in queries:
        page.goto(f"/cases/?{query}")
        links = page.locator("table.list tbody a[href^='/cases/']")
        if links.count():
            return links.first.inner_text().strip()
    return None


def shoot(browser, base_url: str, out: Path) -> list[Path]:
    saved = []
    for size_name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        context = context_new(browser, base_url, viewport=viewport)

        def save(page, name: str) -> None:
            # The first suggestion of each server process loads the category model (seconds).
            page.wait_for_load_state("networkidle", timeout=60_000)
            path = out / f"{name}-{size_name}.png"
            page.screenshot(path=str(path), full_page=True)
            saved.append(path)
            wider = page.evaluate(OVERFLOW_JS)
            if wider["by"] > 0:
                print(f"!! {path.name}: {wider['by']} px wider than the screen; sticking out: "
                      f"{', '.join(wider['culprits'])}", file=sys.stderr)

        anonymous = context.new_page()
        anonymous.goto("/login/")
        save(anonymous, "login")
        anonymous.close()

        page = login(context, "registrar", DEMO_PASSWORD)
        save(page, "worklist")
        page.goto("/cases/")
        save(page, "case-list")
        page.goto("/register/")
        save(page, "register")
        # The same form refused: a wrong check digit in the ID number.
        page.get_by_label("标题").fill("小区路灯损坏")
        page.get_by_label("诉求与事实理由").fill("某小区路灯长期损坏，夜间出行不便。")
        page.get_by_label("来源渠道").select_option(label="来访")
        page.get_by_label("第1人姓名").fill("张三")
        page.get_by_label("第1人身份证号").fill(BAD_ID)
        page.get_by_role("button", name="登记", exact=True).click()
        save(page, "register-error")

        # A case the registrar can act on (its first action unfolded), and one with a history.
        for name, queries in (("case", ["status=registered", "open=1"]),
                              ("case-history", ["status=under_review", "status=reviewed", "status=answered"])):
            number = first_case(page, queries)
            if not number:
                print(f"!! no case for {name}-{size_name}", file=sys.stderr)
                continue
            page.goto(f"/cases/{number}/")
            first_action = page.locator("#actions details.action summary").first
            if first_action.count():
                first_action.click()
            save(page, name)
            if name == "case":
                page.goto(f"/cases/{number}/receipt/")
                save(page, "receipt")
        page.goto("/reception/")
        save(page, "reception")
        page.goto("/register/")
        page.get_by_label("人数", exact=True).fill("6")
        save(page, "register-collective")
        page.goto("/cases/?open=1&deadline=overdue&sort=due")
        save(page, "case-list-filtered")
        page.goto("/search/?q=物业")
        save(page, "search")
        context.close()
        # Each role's home page, and the pages a leader and a supervisor use.
        for username, extra in (("handler", ["/notifications/"]), ("reviewer", []), ("district_reviewer", []),
                                ("leader", ["/stats/", "/stats/assessment/", "/stats/dashboard/", "/campaigns/",
                                            "/meetings/", "/community-board/"]),
                                ("supervisor", ["/supervision/", "/accountability/", "/accountability/candidates/",
                                                "/emergencies/", "/supervision/circulars/"]),
                                ("registrar", [])):
            context = context_new(browser, base_url, viewport=viewport)
            page = login(context, username, DEMO_PASSWORD)
            save(page, f"home-{username}")
            for path in extra:
                page.goto(path)
                save(page, path.strip("/").replace("/", "-"))
            context.close()
    return saved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "screenshots"), help="folder for the PNGs")
    parser.add_argument("--count", type=int, default=60, help="petitions in the demo (fewer = faster)")
    parser.add_argument("--keep", action="store_true", help="keep the throwaway database")
    args = parser.parse_args()
    if not CHROMIUM.exists():
        raise SystemExit(CHROMIUM_MISSING)
    from playwright.sync_api import expect, sync_playwright

    # A first registration loads the category model and jieba in each server process: slow once.
    expect.set_options(timeout=30_000)

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    data_dir = Path(tempfile.mkdtemp(prefix="xinfang-shots-", dir="/tmp"))
    env = {**os.environ, "XINFANG_DATA_DIR": str(data_dir), "DJANGO_SETTINGS_MODULE": "xinfang.settings",
           "DATABASE_URL": f"sqlite:///{data_dir / 'xinfang.sqlite3'}", "XINFANG_ENV": "development"}
    server = None
    try:
        print(f"== demo database in {data_dir}")
        xinfang(env, "migrate", "--no-input", stdout=subprocess.DEVNULL)
        xinfang(env, "demo", "--count", str(args.count), stdout=subprocess.DEVNULL)
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        # Its log (the 404s and 422s this provokes are expected) goes to a file, read on failure.
        log = data_dir / "server.log"
        with log.open("wb") as log_file:
            server = subprocess.Popen([str(Path(sys.executable).parent / "xinfang"), "serve", "--host", "127.0.0.1",
                                       "--port", str(port), "--workers", "2"], env=env, cwd=ROOT,
                                      stdout=log_file, stderr=subprocess.STDOUT)
        try:
            wait_until_up(f"{base_url}/login/", server)
        except SystemExit:
            print(log.read_text(errors="replace")[-3000:], file=sys.stderr)
            raise
        with sync_playwright() as playwright:
            browser = chromium_launch(playwright)
            try:
                saved = shoot(browser, base_url, out)
                saved += portal_shoot(browser, base_url, out, answer_for=lambda key: captcha_answer(env, key),
                                      answered_code=answered_query_code(env))
            finally:
                browser.close()
        for path in saved:
            print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
    finally:
        if server is not None and server.poll() is None:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
        if args.keep:
            print(f"== database kept in {data_dir}")
        else:
            shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
