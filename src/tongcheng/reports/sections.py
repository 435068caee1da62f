"""Section providers: the one way parts of the report page are made.

A provider is a callable ``(context) -> Section | None``. The built-in sections
(overview, map, city table, pair table, methods, sources) are providers too; other
features (composite index, travel times, flows, tasks) add theirs with
:func:`register_section` or pass ``providers=`` to :func:`render_report`.

Examples
--------
>>> from tongcheng.reports import Section, register_section, unregister_section
>>> def travel_times(ctx):
...     html = ctx.render_fragment("<p>{{ n }} pairs within one hour</p>", n=12)
...     return Section("travel", "通勤时间", "Travel times", html, html, order=60)
>>> register_section(travel_times)  # doctest: +ELLIPSIS
<function travel_times at ...>
>>> unregister_section(travel_times)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeAlias

import jinja2
from markupsafe import Markup

from .._errors import DataError
from ._format import auto_decimals, format_number
from .i18n import t
from .model import ReportData, Section

__all__ = [
    "ReportContext",
    "SectionProvider",
    "builtin_section_providers",
    "collect_sections",
    "register_section",
    "section_providers",
    "unregister_section",
]

_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("tongcheng.reports", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.globals["t"] = t
    env.filters["num"] = lambda v, d=None: format_number(v, decimals=d)
    return env


@dataclass(frozen=True)
class ReportContext:
    """What a section provider gets.

    Attributes
    ----------
    data
        The validated report input (geometries in EPSG:4326).
    lang
        Initial page language; providers should still fill both ``html_zh`` and
        ``html_en``, since readers switch language on the page.
    """

    data: ReportData
    lang: str = "zh"
    _env: jinja2.Environment = field(default_factory=_environment, repr=False, compare=False)

    def t(self, key: str, lang: str) -> str:
        """Return UI string `key` in `lang` (see :func:`tongcheng.reports.t`)."""
        return t(key, lang)

    def render_fragment(self, source: str, /, **values: object) -> Markup:
        """Render a Jinja2 template string with autoescaping; return safe HTML.

        ``t(key, lang)`` and the ``num`` filter (thousands separators, ``—`` for
        missing) are available in the template.
        """
        return Markup(self._env.from_string(source).render(**values))

    def render_template(self, name: str, /, **values: object) -> Markup:
        """Render a packaged template from ``tongcheng/reports/templates``."""
        return Markup(self._env.get_template(name).render(**values))

    fmt = staticmethod(format_number)
    decimals = staticmethod(auto_decimals)


SectionProvider: TypeAlias = Callable[[ReportContext], Section | None]

_REGISTERED: list[SectionProvider] = []


def register_section(provider: SectionProvider) -> SectionProvider:
    """Add a section provider used by every later :func:`render_report` call.

    Can be used as a decorator. Registering the same callable twice has no effect.

    Parameters
    ----------
    provider
        ``(context: ReportContext) -> Section | None``; return ``None`` to add nothing
        (e.g. when the data it needs is absent).

    Returns
    -------
    SectionProvider
        `provider`, unchanged.
    """
    if not callable(provider):
        msg = f"a section provider must be callable, got {type(provider).__name__}"
        raise TypeError(msg)
    if provider not in _REGISTERED:
        _REGISTERED.append(provider)
    return provider


def unregister_section(provider: SectionProvider) -> None:
    """Remove a provider added with :func:`register_section` (no error if absent)."""
    if provider in _REGISTERED:
        _REGISTERED.remove(provider)


def builtin_section_providers() -> tuple[SectionProvider, ...]:
    """Return the built-in providers: overview, map, cities, pairs, methods, sources."""
    from .builtin import BUILTIN_PROVIDERS

    return BUILTIN_PROVIDERS


def section_providers() -> tuple[SectionProvider, ...]:
    """Return the built-in providers followed by the registered ones."""
    return (*builtin_section_providers(), *_REGISTERED)


def _check_section(section: object, origin: str) -> Section:
    if not isinstance(section, Section):
        msg = f"{origin} returned {type(section).__name__}; expected a Section or None"
        raise DataError(msg)
    if not _KEY.match(section.key):
        msg = (f"{origin} gave section key {section.key!r}; expected a letter followed by "
               "letters, digits, '-' or '_'")
        raise DataError(msg)
    return section


def collect_sections(
    context: ReportContext, providers: Sequence[SectionProvider] | None = None
) -> list[Section]:
    """Run the providers, add ``context.data.sections`` and sort by ``order``.

    Parameters
    ----------
    context
        Passed to each provider.
    providers
        Defaults to :func:`section_providers`.

    Returns
    -------
    list of Section
        Sorted by ``order`` (stable: equal orders keep provider order).

    Raises
    ------
    tongcheng.DataError
        If a provider returns something else than a Section, or two sections share a key.
    """
    found: list[Section] = []
    for provider in section_providers() if providers is None else providers:
        name = getattr(provider, "__qualname__", repr(provider))
        try:
            section = provider(context)
        except Exception as exc:
            exc.add_note(f"while building report section with provider {name}")
            raise
        if section is not None:
            found.append(_check_section(section, f"section provider {name}"))
    found += [_check_section(s, "ReportData.sections") for s in context.data.sections]
    keys = [s.key for s in found]
    dupes = sorted({k for k in keys if keys.count(k) > 1})
    if dupes:
        msg = f"section keys must be unique; repeated: {', '.join(dupes)}. Rename one of each."
        raise DataError(msg)
    return sorted(found, key=lambda s: s.order)
