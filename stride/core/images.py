"""Image renditions: one uploaded photo, several widths for ``srcset``."""

from __future__ import annotations

import io

from PIL import Image, ImageOps

WIDTHS = (160, 320, 640)


def renditions(data: bytes, widths: tuple[int, ...] = WIDTHS) -> dict[int, bytes]:
    """Square-cropped JPEG renditions of ``data`` at each width, never enlarged.

    Widths wider than the photo collapse into one rendition at the photo's own size.

    EXIF orientation is applied and metadata (which can hold a location) dropped.
    """
    with Image.open(io.BytesIO(data)) as source:
        image = ImageOps.exif_transpose(source).convert("RGB")
    side = min(image.size)
    out: dict[int, bytes] = {}
    for size in sorted({min(width, side) for width in widths}):
        square = ImageOps.fit(image, (size, size), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        square.save(buffer, "JPEG", quality=82, optimize=True, progressive=True)
        out[size] = buffer.getvalue()
    return out


def resized(data: bytes, widths: tuple[int, ...]) -> dict[int, tuple[int, bytes]]:
    """JPEG copies of ``data`` at each width keeping the shape: width -> (height, bytes).

    Never enlarged; EXIF orientation applied and metadata dropped, as for portraits.
    """
    with Image.open(io.BytesIO(data)) as source:
        image = ImageOps.exif_transpose(source).convert("RGB")
    out: dict[int, tuple[int, bytes]] = {}
    for width in sorted({min(w, image.width) for w in widths}):
        height = max(1, round(image.height * width / image.width))
        copy = image.resize((width, height), Image.Resampling.LANCZOS)
        buffer = io.BytesIO()
        copy.save(buffer, "JPEG", quality=80, optimize=True, progressive=True)
        out[width] = (height, buffer.getvalue())
    return out
