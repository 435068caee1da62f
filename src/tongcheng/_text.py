"""Bilingual text: what the library says to people, in Chinese and English.

Every message a user reads follows ``--lang`` and the project's language, errors
included. The library therefore raises and reports :class:`Text` values (both
languages at once) and leaves the choice to whoever shows them: the CLI, the web app,
a report. ``str(text)`` is the English text, so logs and tests keep one stable form.

Examples
--------
>>> from tongcheng._text import Text, render
>>> t = Text("未找到单元 {code}", "no unit {code}").format(code="320500")
>>> render(t, "zh")
'未找到单元 320500'
>>> str(t)
'no unit 320500'
>>> render("plain text is the same in both", "zh")
'plain text is the same in both'
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["LANGS", "Text", "render"]

LANGS = ("zh", "en")


@dataclass(frozen=True)
class Text:
    """One message in Chinese and English.

    Attributes
    ----------
    zh
        The Chinese text (shown first: 中文 is the project's default).
    en
        The English text; also what ``str()`` returns.
    """

    zh: str
    en: str

    def __str__(self) -> str:
        return self.en

    def __add__(self, other: object) -> Text:
        if isinstance(other, Text):
            return Text(self.zh + other.zh, self.en + other.en)
        if isinstance(other, str):
            return Text(self.zh + other, self.en + other)
        return NotImplemented

    def __radd__(self, other: object) -> Text:
        if isinstance(other, str):
            return Text(other + self.zh, other + self.en)
        return NotImplemented

    def format(self, **values: object) -> Text:
        """Fill ``{name}`` placeholders in both languages.

        A value that is itself a :class:`Text` is filled in the matching language.
        """
        zh = {k: (v.zh if isinstance(v, Text) else v) for k, v in values.items()}
        en = {k: (v.en if isinstance(v, Text) else v) for k, v in values.items()}
        return Text(self.zh.format(**zh), self.en.format(**en))

    def render(self, lang: str) -> str:
        """Return the text in ``lang`` (``"zh"`` or ``"en"``; anything else is English)."""
        return self.zh if lang == "zh" else self.en


def render(value: str | Text | None, lang: str) -> str:
    """Return ``value`` in ``lang``: a :class:`Text` in that language, a ``str`` as it is."""
    if value is None:
        return ""
    if isinstance(value, Text):
        return value.render(lang)
    return str(value)
