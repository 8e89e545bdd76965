import io

from PIL import Image

from stride.core.images import renditions


def _jpeg(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(buffer, "JPEG")
    return buffer.getvalue()


def test_it_makes_square_renditions_at_each_width():
    out = renditions(_jpeg(1000, 800))
    assert sorted(out) == [160, 320, 640]
    for width, data in out.items():
        with Image.open(io.BytesIO(data)) as image:
            assert image.size == (width, width)
            assert image.format == "JPEG"


def test_it_never_enlarges_a_small_photo():
    out = renditions(_jpeg(300, 500))
    assert sorted(out) == [160, 300]


def test_it_drops_metadata_such_as_location():
    source = Image.new("RGB", (400, 400))
    exif = source.getexif()
    exif[0x8825] = {1: "N"}  # GPS info
    exif[0x0110] = "Camera model"
    buffer = io.BytesIO()
    source.save(buffer, "JPEG", exif=exif)
    for data in renditions(buffer.getvalue()).values():
        with Image.open(io.BytesIO(data)) as image:
            assert dict(image.getexif()) == {}
