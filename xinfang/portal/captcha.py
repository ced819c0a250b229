"""An offline captcha: a small sum drawn as SVG strokes (no text a bot could read out of the
page, no external service), and its accessible alternative, the same kind of sum in
Chinese words. Only drawing and making questions here; issuing and checking them is in
services.py."""
import math
import random
import secrets
from xml.sax.saxutils import escape

# Each glyph: strokes of points on a 10 × 16 grid (x right, y down).
_GLYPHS: dict[str, list[list[tuple[float, float]]]] = {
    "0": [[(5, 0), (8.5, 1.5), (10, 8), (8.5, 14.5), (5, 16), (1.5, 14.5), (0, 8), (1.5, 1.5), (5, 0)]],
    "1": [[(2, 3.5), (6, 0), (6, 16)], [(2.5, 16), (9.5, 16)]],
    "2": [[(0, 3), (3, 0), (7.5, 0), (10, 3), (9.5, 6.5), (0, 16), (10, 16)]],
    "3": [[(0.5, 1.5), (4, 0), (8.5, 1), (9, 4.5), (4, 7.5), (9, 9.5), (10, 13), (7, 16), (3, 16), (0, 14)]],
    "4": [[(7.5, 16), (7.5, 0), (0, 11), (10, 11)]],
    "5": [[(9.5, 0), (1.5, 0), (0.5, 7), (5.5, 6), (9.5, 8.5), (10, 12.5), (6.5, 16), (0, 15)]],
    "6": [[(8.5, 0.5), (3.5, 2.5), (0.5, 8), (1, 13.5), (5, 16), (9, 14.5), (10, 10.5), (6.5, 7.5), (1, 9.5)]],
    "7": [[(0, 0.5), (10, 0), (4, 16)], [(3, 8.5), (8, 8.5)]],
    "8": [[(5, 7.5), (1.5, 5), (1.5, 1.5), (5, 0), (8.5, 1.5), (8.5, 5), (5, 7.5), (0.5, 11), (1.5, 15),
           (5, 16), (8.5, 15), (9.5, 11), (5, 7.5)]],
    "9": [[(9.5, 6.5), (5, 9), (1, 7), (0.5, 3), (4, 0), (8, 1), (10, 5), (9, 11), (5, 16), (1, 15)]],
    "+": [[(0, 8), (10, 8)], [(5, 3), (5, 13)]],
    "-": [[(0.5, 8), (9.5, 8)]],
    "=": [[(0, 5.5), (10, 5.5)], [(0, 10.5), (10, 10.5)]],
    "?": [[(1, 3), (4, 0), (8, 0), (10, 3), (9, 6.5), (5, 9), (5, 12)], [(5, 15), (5.3, 16)]],
}
_DIGITS = "零一二三四五六七八九"
_WIDTH, _HEIGHT = 200, 64


def number_in_words(n: int) -> str:
    """0–99 in Chinese words (十二, 二十, 四十五)."""
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


def sum_new(rng: random.Random | None = None) -> tuple[int, str, int]:
    """A sum a person does in the head: a + b (2–20 each) or a − b with a non-negative result."""
    rng = rng or random.SystemRandom()
    a, b = rng.randint(2, 20), rng.randint(2, 20)
    if rng.random() < 0.5:
        a, b = max(a, b), min(a, b)
        return a, "-", b
    return a, "+", b


def sum_answer(a: int, op: str, b: int) -> int:
    return a + b if op == "+" else a - b


def sum_as_symbols(a: int, op: str, b: int) -> str:
    return f"{a}{op}{b}=?"


def sum_as_words(a: int, op: str, b: int) -> str:
    verb = "加" if op == "+" else "减去"
    return f"{number_in_words(a)}{verb}{number_in_words(b)}等于多少？请用阿拉伯数字作答。"


def _curve(rng: random.Random) -> str:
    y0, y1 = rng.uniform(8, _HEIGHT - 8), rng.uniform(8, _HEIGHT - 8)
    c1 = (rng.uniform(30, 90), rng.uniform(0, _HEIGHT))
    c2 = (rng.uniform(110, 170), rng.uniform(0, _HEIGHT))
    return f"M0 {y0:.1f} C{c1[0]:.1f} {c1[1]:.1f} {c2[0]:.1f} {c2[1]:.1f} {_WIDTH} {y1:.1f}"


def captcha_svg(symbols: str, *, rng: random.Random | None = None) -> str:
    """The symbols drawn as jittered, rotated strokes among noise curves. The SVG holds paths
    only — no <text>, no title with the answer: reading it takes a person's eyes."""
    rng = rng or random.Random(secrets.randbits(64))
    paths = []
    palette = ("#1f2933", "#1d4f91", "#7c2d12", "#14532d", "#581c87")
    for _ in range(3):
        paths.append(f'<path d="{_curve(rng)}" stroke="{rng.choice(palette)}" stroke-opacity=".45" '
                     f'stroke-width="{rng.uniform(1, 2.2):.1f}" fill="none"/>')
    step = (_WIDTH - 20) / max(len(symbols), 1)
    for i, ch in enumerate(symbols):
        scale = rng.uniform(2.1, 2.6)
        angle = math.radians(rng.uniform(-18, 18))
        cx = 10 + step * (i + 0.5) + rng.uniform(-3, 3)
        cy = _HEIGHT / 2 + rng.uniform(-5, 5)
        cos, sin = math.cos(angle), math.sin(angle)
        d = []
        for stroke in _GLYPHS[ch]:
            points = []
            for x, y in stroke:
                x, y = (x - 5 + rng.uniform(-.6, .6)) * scale * .8, (y - 8 + rng.uniform(-.6, .6)) * scale
                points.append((cx + x * cos - y * sin, cy + x * sin + y * cos))
            d.append("M" + " L".join(f"{x:.1f} {y:.1f}" for x, y in points))
        paths.append(f'<path d="{" ".join(d)}" stroke="{rng.choice(palette)}" '
                     f'stroke-width="{rng.uniform(2.4, 3.4):.1f}" fill="none" stroke-linecap="round" '
                     f'stroke-linejoin="round"/>')
    for _ in range(14):
        paths.append(f'<circle cx="{rng.uniform(0, _WIDTH):.1f}" cy="{rng.uniform(0, _HEIGHT):.1f}" '
                     f'r="{rng.uniform(.8, 1.8):.1f}" fill="{rng.choice(palette)}" fill-opacity=".5"/>')
    rng.shuffle(paths)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{_WIDTH}" height="{_HEIGHT}" '
            f'viewBox="0 0 {_WIDTH} {_HEIGHT}" role="img" aria-label="{escape("验证码图片")}">'
            f'<rect width="100%" height="100%" fill="#f8fafc"/>{"".join(paths)}</svg>')
