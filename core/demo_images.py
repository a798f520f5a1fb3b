"""Pictures for the demo data, drawn with Pillow: each mural and each contest entry gets its own picture.

Not photos: simple illustrations whose composition, colours and details follow from a seed (the title), so two
murals never share a picture and a second seeding draws the same ones. Each has a caption bar with its title.
"""

from __future__ import annotations

import hashlib
import io
import math
import random

from PIL import Image, ImageDraw, ImageFont

MURAL_STYLES = ("river", "sun", "arches", "figures", "ornament", "stars")


def _rng(seed: str) -> random.Random:
    return random.Random(int.from_bytes(hashlib.sha256(seed.encode()).digest()[:8], "big"))


def _font(size: int) -> ImageFont.ImageFont:
    for name in ("DejaVuSans-Bold.ttf", "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"):
        try:
            return ImageFont.truetype(name, size)
        except OSError:
            continue
    return ImageFont.load_default()


def _hex(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


def _mix(a: tuple[int, int, int], b: tuple[int, int, int], t: float) -> tuple[int, int, int]:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=True))


def _caption(image: Image.Image, text: str) -> None:
    draw = ImageDraw.Draw(image, "RGBA")
    width, height = image.size
    font = _font(max(14, height // 22))
    bar = font.size + 18
    draw.rectangle([0, height - bar, width, height], fill=(20, 20, 20, 190))
    draw.text((16, height - bar + 8), text, fill=(255, 255, 255), font=font)


def _png(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def mural_image(title: str, colours: tuple[str, str], *, size: tuple[int, int] = (800, 560),
                style: str | None = None) -> bytes:
    """A mural-like picture: a wall in the mural's two colours with a composition picked by its title."""
    rnd = _rng(title)
    base, accent = _hex(colours[0]), _hex(colours[1])
    style = style or MURAL_STYLES[int(hashlib.sha256(title.encode()).hexdigest(), 16) % len(MURAL_STYLES)]
    width, height = size
    image = Image.new("RGB", size, base)
    draw = ImageDraw.Draw(image)
    for y in range(height):  # a soft vertical gradient from the base colour towards the accent
        draw.line([(0, y), (width, y)], fill=_mix(base, accent, 0.35 * y / height))
    light, dark = _mix(accent, (255, 255, 255), 0.4), _mix(base, (0, 0, 0), 0.45)
    if style == "river":
        for band in range(6):
            y0 = height * (0.45 + band * 0.08)
            points = [(x, y0 + 14 * math.sin(x / (60 + band * 9) + band)) for x in range(0, width + 20, 20)]
            draw.line(points, fill=light if band % 2 else accent, width=10)
        hull_x = rnd.randint(width // 5, width // 2)
        draw.polygon([(hull_x, height * 0.42), (hull_x + 260, height * 0.42), (hull_x + 220, height * 0.5),
                      (hull_x + 40, height * 0.5)], fill=dark)
        draw.line([(hull_x + 130, height * 0.42), (hull_x + 130, height * 0.12)], fill=dark, width=6)
        draw.polygon([(hull_x + 136, height * 0.14), (hull_x + 240, height * 0.38), (hull_x + 136, height * 0.38)],
                     fill=light)
    elif style == "sun":
        cx, cy = rnd.randint(width // 3, 2 * width // 3), height // 2
        for k in range(24):
            angle = 2 * math.pi * k / 24
            draw.line([(cx, cy), (cx + math.cos(angle) * width, cy + math.sin(angle) * width)],
                      fill=light if k % 2 else accent, width=14)
        for r, colour in ((150, dark), (120, accent), (80, light)):
            draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=colour)
    elif style == "arches":
        count = rnd.randint(4, 6)
        w = width // count
        for k in range(count):
            x0 = k * w + 12
            top = height * rnd.uniform(0.18, 0.3)
            draw.rectangle([x0, top + w // 2, x0 + w - 24, height], fill=dark if k % 2 else accent)
            draw.pieslice([x0, top, x0 + w - 24, top + w - 24], 180, 360, fill=dark if k % 2 else accent)
            draw.rectangle([x0 + w // 3, height * 0.55, x0 + 2 * w // 3 - 24, height * 0.8], fill=light)
    elif style == "figures":
        count = rnd.randint(3, 5)
        for k in range(count):
            cx = int(width * (k + 0.5) / count)
            scale = rnd.uniform(0.8, 1.15)
            head = int(38 * scale)
            top = int(height * 0.22)
            colour = (dark, accent, light)[k % 3]
            draw.ellipse([cx - head, top, cx + head, top + 2 * head], fill=colour)
            draw.polygon([(cx - 70 * scale, height * 0.85), (cx + 70 * scale, height * 0.85),
                          (cx + 40 * scale, top + 2 * head + 8), (cx - 40 * scale, top + 2 * head + 8)], fill=colour)
    elif style == "ornament":
        step = rnd.choice((70, 80, 96))
        for y in range(step // 2, height, step):
            for x in range(step // 2, width, step):
                r = step // 3
                draw.regular_polygon((x, y, r), n_sides=rnd.choice((4, 6, 8)), rotation=rnd.randint(0, 45),
                                     fill=light if (x + y) // step % 2 else accent, outline=dark)
                draw.ellipse([x - 6, y - 6, x + 6, y + 6], fill=dark)
    else:  # stars
        for _ in range(70):
            x, y, r = rnd.randint(0, width), rnd.randint(0, int(height * 0.7)), rnd.randint(3, 12)
            draw.regular_polygon((x, y, r), n_sides=5, fill=light)
        draw.pieslice([-width // 4, int(height * 0.55), width + width // 4, height * 2], 180, 360, fill=dark)
        cx = rnd.randint(width // 4, 3 * width // 4)
        draw.ellipse([cx - 60, 50, cx + 60, 170], fill=(250, 240, 200))
        draw.ellipse([cx - 30, 40, cx + 80, 150], fill=base)
    _caption(image, title)
    return _png(image)


UMBRELLAS = ("#f1e7d0", "#e8e4da", "#d9cbb0", "#c9d6c1", "#efe3c2")
FACADES = ("#c96f4a", "#d9a066", "#b5553c", "#e2c290", "#a8462f", "#d8b48a")
FLOWERS = ("#9b5de5", "#f15bb5", "#fee440", "#ffffff", "#ff7b54", "#c77dff")


def garden_image(title: str, *, size: tuple[int, int] = (800, 560)) -> bytes:
    """A café garden in front of a tenement: facade, cobbles, umbrellas, tables and planters, varied by title."""
    rnd = _rng(title)
    width, height = size
    image = Image.new("RGB", size, "#bcd4e6")
    draw = ImageDraw.Draw(image)
    facade = _hex(rnd.choice(FACADES))
    draw.rectangle([0, 0, width, int(height * 0.62)], fill=facade)
    columns = rnd.randint(4, 6)
    for row in range(2):
        for col in range(columns):
            x0 = int((col + 0.25) * width / columns)
            y0 = int(height * (0.06 + row * 0.24))
            draw.rectangle([x0, y0, x0 + int(width / columns * 0.5), y0 + int(height * 0.16)], fill="#2b3a42")
            draw.line([(x0 + int(width / columns * 0.25), y0), (x0 + int(width / columns * 0.25),
                                                               y0 + int(height * 0.16))], fill=facade, width=4)
    draw.rectangle([0, int(height * 0.62), width, height], fill="#8d8579")
    for y in range(int(height * 0.62), height, 18):  # cobbles
        offset = 0 if (y // 18) % 2 else 14
        for x in range(-offset, width, 28):
            draw.ellipse([x, y, x + 24, y + 14], fill="#a39b8f", outline="#7c756a")
    umbrella = _hex(rnd.choice(UMBRELLAS))
    count = rnd.randint(2, 4)
    for k in range(count):
        cx = int(width * (k + 0.5) / count)
        top = int(height * 0.36)
        draw.line([(cx, top), (cx, int(height * 0.8))], fill="#4a3b2c", width=5)
        draw.pieslice([cx - 110, top - 30, cx + 110, top + 80], 180, 360, fill=umbrella, outline="#6d5f4b")
        draw.ellipse([cx - 55, int(height * 0.76), cx + 55, int(height * 0.8)], fill="#5b4636")  # table top
        for side in (-80, 80):
            draw.rectangle([cx + side - 12, int(height * 0.74), cx + side + 12, int(height * 0.86)], fill="#6b5442")
    for k in range(rnd.randint(5, 8)):  # planters along the front, with greenery and flowers
        x0 = int(k * width / 7) + rnd.randint(0, 20)
        y0 = int(height * 0.86)
        draw.rectangle([x0, y0, x0 + 70, y0 + 40], fill="#6f4e37")
        green = (rnd.randint(40, 70), rnd.randint(110, 150), rnd.randint(50, 80))
        draw.ellipse([x0 - 8, y0 - 46, x0 + 78, y0 + 10], fill=green)
        for _ in range(rnd.randint(3, 7)):
            fx, fy = x0 + rnd.randint(0, 70), y0 - rnd.randint(8, 40)
            draw.ellipse([fx - 5, fy - 5, fx + 5, fy + 5], fill=rnd.choice(FLOWERS))
    if rnd.random() < 0.6:  # ivy on the facade
        for _ in range(40):
            x, y = rnd.randint(0, width // 5), rnd.randint(0, int(height * 0.6))
            draw.ellipse([x, y, x + 14, y + 10], fill=(45, 110, 55))
    _caption(image, title)
    return _png(image)
