import re

import pytest

from stride.core import markdown


def test_it_splits_sections_with_anchors_and_counts_reading_time():
    doc = "Intro text.\n\n## What it is\n\nA pain.\n\n## Who gets it\n\n" + "word " * 450
    out = markdown.render(doc)
    assert out.intro == "<p>Intro text.</p>"
    assert [(s.anchor, s.title) for s in out.sections] == [
        ("what-it-is", "What it is"),
        ("who-gets-it", "Who gets it"),
    ]
    assert out.sections[0].html == "<p>A pain.</p>"
    assert out.reading_minutes == 3
    assert '<h2 id="who-gets-it">Who gets it</h2>' in out.html


@pytest.mark.parametrize(
    "attack",
    [
        "<script>alert(1)</script>",
        '<img src="/x.png" onerror="alert(1)" alt="">',
        "[click](javascript:alert(1))",
        '<a href="javascript:alert(1)">x</a>',
        '<iframe src="https://evil.example"></iframe>',
        '<p style="background:url(https://tracker.example/p.gif)">x</p>',
        '<svg onload="alert(1)"></svg>',
        '<a href="JaVaScRiPt:alert(1)">x</a>',
        '<form action="https://evil.example"><input name="card"></form>',
    ],
)
def test_it_neutralises_script_event_handlers_and_javascript_links(attack):
    out = markdown.render(f"Before.\n\n{attack}\n\nAfter.").html.lower()
    for bad in (
        "<script",
        "onerror",
        "onload",
        '="javascript:',
        "<iframe",
        "style=",
        "<svg",
        "<form",
        "<input",
    ):
        assert bad not in out
    assert "after." in out


def test_images_from_other_hosts_are_dropped_and_local_ones_kept():
    out = markdown.render(
        "![pixel](https://tracker.example/p.gif)\n\n![Heel](/media/heel.jpg)\n\n"
        '<img src="//cdn.example/x.png">'
    ).html
    assert "tracker.example" not in out
    assert "cdn.example" not in out
    image = re.search(r"<img [^>]*>", out)
    assert image
    attributes = set(re.findall(r'(\w+)="([^"]*)"', image.group(0)))
    assert attributes == {
        ("src", "/media/heel.jpg"),
        ("alt", "Heel"),
        ("loading", "lazy"),
        ("decoding", "async"),
    }


def test_links_get_safe_rel_and_tables_survive():
    out = markdown.render("[NHS](https://www.nhs.uk)\n\n| a | b |\n|---|---|\n| 1 | 2 |").html
    assert 'rel="noopener noreferrer"' in out
    assert "<table>" in out
    assert "<td>1</td>" in out


def test_duplicate_headings_get_distinct_anchors():
    out = markdown.render("## Causes\n\nx\n\n## Causes\n\ny")
    assert [s.anchor for s in out.sections] == ["causes", "causes-2"]
