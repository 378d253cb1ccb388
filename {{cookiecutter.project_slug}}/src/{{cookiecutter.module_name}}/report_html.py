"""REPORT.md as one HTML file that opens from disk, its figures embedded in the page: the report step
(report.py) writes it beside REPORT.md."""

from __future__ import annotations

import base64
import html
import mimetypes
from pathlib import Path
from xml.etree.ElementTree import Element

import markdown
from markdown.extensions import Extension
from markdown.extensions.fenced_code import FencedCodeExtension
from markdown.extensions.tables import TableExtension
from markdown.treeprocessors import Treeprocessor

from .errors import StepError
from .files import REPORT_FIGURES

STYLE = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border: 1px solid #ccc; padding: 0.3rem 0.6rem; }
img { max-width: 100%; }
pre { background: #f6f8fa; padding: 0.8rem; overflow-x: auto; }
"""


class EmbedImages(Treeprocessor):
    """Replace each figure's relative path with its content as a data: URI.

    Only the report's own figures are read: an image that text from the data smuggled in
    (a column named `![x](../../secret)`) is neither read from disk nor fetched from the web.
    """

    def __init__(self, md: markdown.Markdown, folder: Path):
        super().__init__(md)
        self.folder = folder

    def run(self, root: Element) -> None:
        figures = (self.folder / REPORT_FIGURES).resolve()
        for image in root.iter("img"):
            path = (self.folder / image.get("src", "")).resolve()
            if path.parent != figures:
                image.attrib.pop("src", None)
                continue
            if not path.is_file():
                raise StepError(f"the report shows {path}, which does not exist: run `make report`")
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            image.set("src", f"data:{kind};base64,{base64.b64encode(path.read_bytes()).decode()}")


class EmbedImagesExtension(Extension):
    def __init__(self, folder: Path):
        super().__init__()
        self.folder = folder

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown's API name)
        md.treeprocessors.register(EmbedImages(md, self.folder), "embed_images", 0)


class DataAsText(Extension):
    """Raw HTML and links are shown as text, never rendered: names and values from the data
    (a column named `<script>...`, a class named `[win](javascript:...)`) reach the report."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown's API name)
        md.preprocessors.deregister("html_block")
        for pattern in ("html", "link", "reference", "short_reference", "autolink", "automail"):
            md.inlinePatterns.deregister(pattern, strict=False)


def to_html(text: str, folder: Path) -> str:
    """A standalone page: the Markdown rendered with data shown as text, figures from `folder` inlined."""
    # Extensions named by string are looked up among every installed package's entry points: 30 ms.
    extensions = [TableExtension(), FencedCodeExtension(), DataAsText(), EmbedImagesExtension(folder)]
    body = markdown.markdown(text, extensions=extensions)
    title = next((line[2:] for line in text.splitlines() if line.startswith("# ")), "Report")
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n"
        f"<body>\n{body}\n</body>\n</html>\n"
    )
