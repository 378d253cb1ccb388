"""The results become pictures and one page to show, rebuilt whenever a result changes."""

import json
import re
import struct

from baked import MODELS, REPORTING, planned_outputs, succeed

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's header chunk."""
    assert data[:8] == PNG_SIGNATURE and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_make_report_draws_every_figure_as_a_real_image(built_project):
    """`make report` leaves the leaderboard chart and one chart per model, each a decodable PNG."""
    succeed(["make", "report"], built_project)
    from matplotlib.image import imread

    for name in ["leaderboard", *MODELS]:
        path = built_project / "reports" / "figures" / f"{name}.png"
        width, height = png_size(path.read_bytes())
        assert width >= 400 and height >= 200, name
        assert imread(path).shape[:2] == (height, width)


def test_the_report_covers_the_data_every_model_and_the_figures(built_project):
    """REPORT.md shows the cleanup, each leaderboard model, the learned rule, the chosen k and every figure."""
    report = (built_project / "reports" / "REPORT.md").read_text()
    cleanup = json.loads((built_project / "data" / "interim" / "clean.json").read_text())
    assert f"{cleanup['rows_before']} rows" in report and f"{cleanup['rows_after']} rows" in report
    assert "drop rows with any missing value | 11 |" in report
    leaderboard = (built_project / "reports" / "leaderboard.md").read_text()
    for model in MODELS:
        assert f"| {model} |" in leaderboard
        assert f"### {model}" in report and f"(figures/{model}.png)" in report
    assert "if " in report and "rules = [" in report  # the learned rule
    assert re.search(r"chose n_neighbors=\d+ by cross-validation", report)
    assert "(figures/leaderboard.png)" in report


def test_the_html_report_opens_from_disk_with_its_images_inside(built_project):
    """REPORT.html needs no other file: every image is embedded as a data: URI."""
    page = (built_project / "reports" / "REPORT.html").read_text()
    sources = re.findall(r'<img[^>]* src="([^"]+)"', page)
    # the leaderboard, each model's chart, the learning curves and KNN's validation curve
    linked = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", (built_project / "reports" / "REPORT.md").read_text())
    assert len(sources) == len(linked) >= 1 + len(MODELS) + 1
    assert all(source.startswith("data:image/png;base64,") for source in sources)
    assert "<table>" in page


def test_a_changed_metric_rebuilds_the_figures_and_the_report(project):
    """When one model's metrics are rewritten, the figures and both reports are planned again."""
    (project / "reports" / "metrics" / "rules.json").touch()
    assert REPORTING <= planned_outputs(project)
    succeed(["make"], project)
    assert "Nothing to be done" in succeed(["make", "report"], project)
