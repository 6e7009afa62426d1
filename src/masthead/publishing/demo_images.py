"""Pictures for the demo, drawn with Pillow: a detailed map and simple illustrations.

The map is meant to look like a newsroom's own graphic: sea and coastline, a river with
its delta, towns with labels, a highlighted flood area, a legend, a scale bar and a north
arrow. It is drawn at 2400×1600 so the "full-size map" link has something to show.
"""

from __future__ import annotations

import io
import math
import random

from PIL import Image, ImageDraw, ImageFilter, ImageFont

SEA = (168, 202, 224)
LAND = (236, 231, 214)
HILLS = (214, 206, 178)
RIVER = (74, 130, 190)
FLOOD = (226, 88, 60, 110)
ROAD = (190, 120, 80)
INK = (35, 35, 35)
BORDER = (120, 70, 140)


def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    names = (
        ["DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf"]
        if bold
        else ["DejaVuSans.ttf", "LiberationSans-Regular.ttf"]
    )
    for name in names:
        for folder in ("", "/usr/share/fonts/truetype/dejavu/", "/usr/share/fonts/truetype/liberation/"):
            try:
                return ImageFont.truetype(folder + name, size)
            except OSError:
                continue
    return ImageFont.load_default(size=size)


def _coastline(width: int, height: int, rng: random.Random) -> list[tuple[float, float]]:
    """Land polygon: everything left of a wandering coast that bulges out into a delta."""
    points: list[tuple[float, float]] = [(0, 0)]
    steps = 80
    x = width * 0.62
    for i in range(steps + 1):
        y = height * i / steps
        delta_bulge = 380 * math.exp(-(((y - height * 0.58) / (height * 0.16)) ** 2))
        x += rng.uniform(-16, 16)
        x = min(max(x, width * 0.50), width * 0.60)
        points.append((x + delta_bulge, y))
    points.append((0, height))
    return points


def _river(
    mouth: tuple[float, float], width: int, height: int, rng: random.Random
) -> list[tuple[float, float]]:
    start = (width * 0.04, height * 0.22)
    points = []
    for i in range(60):
        t = i / 59
        x = start[0] + t * (mouth[0] - start[0])
        y = (
            start[1]
            + t * (mouth[1] - start[1])
            + math.sin(t * 9) * 45 * (1 - t)
            + rng.uniform(-5, 5) * (1 - t)
        )
        points.append((x, y))
    return points


def draw_delta_map(width: int = 2400, height: int = 1600, seed: int = 7) -> bytes:
    rng = random.Random(seed)
    image = Image.new("RGB", (width, height), SEA)
    draw = ImageDraw.Draw(image, "RGBA")
    coast = _coastline(width, height, rng)
    draw.polygon(coast, fill=LAND)
    # Hills in the west, drawn as soft blobs under everything else.
    hills = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    hill_draw = ImageDraw.Draw(hills)
    for _ in range(70):
        cx, cy, r = rng.uniform(0, width * 0.35), rng.uniform(0, height), rng.uniform(40, 140)
        hill_draw.ellipse((cx - r, cy - r * 0.7, cx + r, cy + r * 0.7), fill=(*HILLS, 90))
    hills = hills.filter(ImageFilter.GaussianBlur(10))
    image.paste(hills, (0, 0), hills)
    draw = ImageDraw.Draw(image, "RGBA")
    # Coastline stroke.
    draw.line(coast[1:-1], fill=(90, 120, 140), width=5, joint="curve")

    mouth_y = height * 0.58
    coast_x = min((point for point in coast[1:-1]), key=lambda point: abs(point[1] - mouth_y))[0]
    mouth = (coast_x - 140, mouth_y)
    river = _river(mouth, width, height, rng)
    # Flooded area around the lower river and the delta: a lobed blob, not a box.
    flood = []
    for i in range(48):
        angle = 2 * math.pi * i / 48
        radius = 330 + 70 * math.sin(3 * angle + 1) + 40 * math.sin(5 * angle) + rng.uniform(-15, 15)
        flood.append(
            (mouth[0] - 200 + radius * 1.3 * math.cos(angle), mouth[1] + radius * 0.8 * math.sin(angle))
        )
    draw.polygon(flood, fill=FLOOD, outline=(200, 60, 40, 220), width=4)
    draw.line(river, fill=RIVER, width=14, joint="curve")
    # Distributaries of the delta fan out to the sea.
    for angle in (-0.7, -0.25, 0.2, 0.65):
        end = (mouth[0] + 240 * math.cos(angle), mouth[1] + 240 * math.sin(angle))
        mid = ((mouth[0] + end[0]) / 2 + rng.uniform(-30, 30), (mouth[1] + end[1]) / 2 + rng.uniform(-30, 30))
        draw.line([mouth, mid, end], fill=RIVER, width=7, joint="curve")
    # A tributary from the north.
    tributary = [(width * 0.30, 0), (width * 0.33, height * 0.12), (width * 0.31, height * 0.24), river[22]]
    draw.line(tributary, fill=RIVER, width=8, joint="curve")
    # The coast road.
    road = [
        (width * 0.06, height * 0.97),
        (width * 0.22, height * 0.84),
        (width * 0.40, height * 0.76),
        (mouth[0] - 200, mouth[1] + 230),
        (mouth[0] - 60, mouth[1] + 330),
    ]
    draw.line(road, fill=ROAD, width=6, joint="curve")
    # The regional border, dashed.
    for i in range(0, height, 60):
        draw.line(
            [
                (width * 0.18 + math.sin(i / 200) * 40, i),
                (width * 0.18 + math.sin((i + 30) / 200) * 40, i + 30),
            ],
            fill=BORDER,
            width=5,
        )

    towns = [
        ("Varn", (mouth[0] - 160, mouth[1] - 90), True),
        ("Lisk", (mouth[0] - 470, mouth[1] + 60), True),
        ("Orrin", (mouth[0] + 20, mouth[1] + 110), True),
        ("Port Ellis", (mouth[0] - 180, mouth[1] + 330), False),
        ("Tamsk", (width * 0.36, height * 0.36), False),
        ("Hollen", (width * 0.14, height * 0.30), False),
        ("Kessel", (width * 0.28, height * 0.10), False),
        ("Dunmere", (width * 0.22, height * 0.82), False),
    ]
    label_font, small_font = _font(40), _font(30)
    for name, (x, y), evacuated in towns:
        r = 16 if evacuated else 12
        draw.ellipse(
            (x - r, y - r, x + r, y + r), fill=(200, 40, 30) if evacuated else INK, outline="white", width=4
        )
        draw.text(
            (x + 24, y - 26), name, font=label_font, fill=INK, stroke_width=5, stroke_fill=(255, 255, 255)
        )
    draw.text(
        (width * 0.30, height * 0.44),
        "R. Sarn",
        font=_font(38, bold=False),
        fill=(30, 70, 130),
        stroke_width=4,
        stroke_fill=LAND,
    )
    draw.text((width * 0.74, height * 0.22), "GULF OF ORRIN", font=_font(44, bold=True), fill=(60, 100, 130))
    draw.text((width * 0.04, height * 0.04), "NORTHERN PROVINCE", font=small_font, fill=BORDER)

    # Legend box.
    lx, ly = width - 660, height - 500
    draw.rectangle((lx, ly, lx + 600, ly + 300), fill=(255, 255, 255, 230), outline=INK, width=3)
    draw.text((lx + 24, ly + 18), "Sarn delta floods", font=_font(42, bold=True), fill=INK)
    rows = [
        ((200, 40, 30), "Evacuated town"),
        (INK, "Town"),
        (FLOOD[:3], "Flooded land"),
        (ROAD, "Coast road"),
    ]
    for i, (colour, text) in enumerate(rows):
        y = ly + 90 + i * 50
        draw.rectangle((lx + 24, y, lx + 64, y + 32), fill=colour)
        draw.text((lx + 84, y - 4), text, font=small_font, fill=INK)
    # Scale bar: 20 km = 400 px on this drawing.
    sx, sy = width - 620, height - 120
    for i in range(4):
        draw.rectangle(
            (sx + i * 100, sy, sx + (i + 1) * 100, sy + 22),
            fill=INK if i % 2 == 0 else "white",
            outline=INK,
            width=2,
        )
    for i, label in enumerate(["0", "5", "10", "15", "20 km"]):
        draw.text((sx + i * 100 - 10, sy + 30), label, font=small_font, fill=INK)
    # North arrow.
    nx, ny = width - 140, 140
    draw.polygon([(nx, ny - 80), (nx - 36, ny + 40), (nx, ny + 16), (nx + 36, ny + 40)], fill=INK)
    draw.text((nx - 16, ny + 50), "N", font=_font(48, bold=True), fill=INK)
    draw.text(
        (width - 900, height - 50),
        "Map: Masthead Sarn desk · Source: regional emergency service",
        font=_font(26),
        fill=(70, 70, 70),
    )

    output = io.BytesIO()
    image.save(output, format="PNG", optimize=True)
    return output.getvalue()


def draw_illustration(*, seed: int, width: int = 1600, height: int = 1000) -> bytes:
    """A calm landscape illustration (sky, hills, water) in a palette picked by ``seed``."""
    rng = random.Random(seed)
    palettes = [
        ((243, 196, 140), (120, 140, 170), (70, 90, 80)),
        ((190, 215, 235), (110, 150, 120), (50, 80, 60)),
        ((250, 220, 200), (170, 120, 140), (80, 60, 90)),
        ((220, 225, 230), (130, 130, 140), (60, 60, 70)),
        ((255, 235, 180), (200, 150, 90), (110, 70, 40)),
    ]
    sky, mid, dark = palettes[seed % len(palettes)]
    image = Image.new("RGB", (width, height), sky)
    draw = ImageDraw.Draw(image)
    for y in range(height // 2):
        t = y / (height / 2)
        colour = tuple(int(sky[i] * (1 - t * 0.35) + 255 * t * 0.35) for i in range(3))
        draw.line([(0, y), (width, y)], fill=colour)
    for layer, colour in enumerate((mid, dark)):
        base = height * (0.55 + layer * 0.15)
        points: list[tuple[float, float]] = [(0, height)]
        for x in range(0, width + 40, 40):
            points.append((x, base + math.sin(x / (180 + layer * 90) + seed) * 60 + rng.uniform(-10, 10)))
        points.append((width, height))
        draw.polygon(points, fill=colour)
    sun_x, sun_y = rng.uniform(width * 0.2, width * 0.8), rng.uniform(height * 0.12, height * 0.3)
    draw.ellipse((sun_x - 70, sun_y - 70, sun_x + 70, sun_y + 70), fill=(255, 245, 220))
    output = io.BytesIO()
    image.save(output, format="JPEG", quality=85)
    return output.getvalue()
