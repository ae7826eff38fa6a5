"""The report's words as escaped HTML: its title, its paragraphs and its notes.

IPython's Markdown passes HTML through, so a sentence naming an applicant called
``<script>`` would run in the report; these escape every word and isolate the names.
"""

from collections.abc import Iterable
from html import escape

from analysis.markup import text_html
from analysis.present.output import Output


def title(text: str, subtitle: str | None = None, names: Iterable[str] = ()) -> Output:
    """Show the report's title, which names what markdown cannot: the institution and year.

    ``names`` are isolated and shortened where the title mentions them.
    """
    html = f'<h1 class="title">{text_html(text, names)}</h1>'
    if subtitle:
        html += f'<p class="subtitle">{text_html(subtitle, names)}</p>'
    return Output(html, text)


def paragraphs(*sentences: str, names: Iterable[str] = ()) -> Output:
    """Show each sentence, or group of sentences, as its own paragraph.

    ``names`` are isolated and shortened where the sentences mention them.
    """
    html = "".join(f"<p>{text_html(sentence, names)}</p>" for sentence in sentences)
    return Output(html, "\n\n".join(sentences))


def note(text: str) -> Output:
    """Show a caveat or explanation set apart from the story."""
    return Output(f'<p class="note">{escape(text)}</p>', text)
