"""A worked-solution sheet as plain blocks, and its three renderings: Markdown, LaTeX, HTML.

The builder (app.teaching.worksheet) writes every formula once, in LaTeX math syntax; Markdown
($...$ inline, $$...$$ display, read by GitHub, GitLab, VS Code, Jupyter, Obsidian and
pandoc) and a standalone LaTeX document (amsmath only, so texlive-latex-base compiles it)
wrap the same strings; HTML (the page's print view) turns them into MathML with latex2mathml.
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from latex2mathml.converter import convert as to_mathml

DIGITS = 5  # significant digits of every number on a sheet (the issue asks for at least 4)


def num(x: float) -> str:
    """A number in LaTeX: 5 significant digits, trailing zeros dropped, a power of ten
    written out where the positional form would be long."""
    x = float(x)
    if x == 0 or not math.isfinite(x):
        return "0" if x == 0 else str(x)
    if 1e-4 <= abs(x) < 1e6:
        return np.format_float_positional(x, precision=DIGITS, unique=False, fractional=False, trim="-")
    mantissa, exponent = f"{x:.{DIGITS - 1}e}".split("e")
    mantissa = mantissa.rstrip("0").rstrip(".")
    return rf"{mantissa} \times 10^{{{int(exponent)}}}"


def fac(x: float) -> str:
    """num(x) as a factor: in parentheses when negative or written with a power of ten."""
    s = num(x)
    return f"({s})" if s.startswith("-") or "times" in s else s


def column(entries: list[str]) -> str:
    return r"\begin{pmatrix} " + r" \\ ".join(entries) + r" \end{pmatrix}"


def matrix(rows: list[list[str]]) -> str:
    return r"\begin{pmatrix} " + r" \\ ".join(" & ".join(r) for r in rows) + r" \end{pmatrix}"


@dataclass
class Para:
    """Text with $...$ inline math."""

    text: str


@dataclass
class Chain:
    """parts[0] = parts[1] = ... = parts[-1]: a symbol, its formula, the numbers, the value."""

    parts: list[str]


@dataclass
class Display:
    """One display equation."""

    math: str


Block = Para | Chain | Display


@dataclass
class Section:
    title: str
    blocks: list[Block] = field(default_factory=list)
    page_break: bool = False  # print views start this section on a new page


@dataclass
class Sheet:
    title: str
    parts: list[tuple[str, list[Section]]]  # ("Worked solution", sections), ("Answer key", sections)


INLINE = re.compile(r"\$([^$]+)\$")
TEX_SPECIAL = {"&": r"\&", "%": r"\%", "#": r"\#", "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
               "^": r"\textasciicircum{}", "\\": r"\textbackslash{}"}


def _tex_text(text: str) -> str:
    """Plain words escaped for LaTeX; $...$ spans kept as math."""
    out, last = [], 0
    for m in INLINE.finditer(text):
        out.append("".join(TEX_SPECIAL.get(c, c) for c in text[last:m.start()]))
        out.append(m.group(0))
        last = m.end()
    out.append("".join(TEX_SPECIAL.get(c, c) for c in text[last:]))
    return "".join(out)


def _aligned(parts: list[str]) -> list[str]:
    lines = [f"{parts[0]} &= {parts[1]}"] + [f"&= {p}" for p in parts[2:]]
    return [line + r" \\" for line in lines[:-1]] + [lines[-1]]


def markdown(sheet: Sheet) -> str:
    out = [f"# {sheet.title}", ""]
    for part, sections in sheet.parts:
        out += [f"## {part}", ""]
        for sec in sections:
            out += [f"### {sec.title}", ""]
            for b in sec.blocks:
                if isinstance(b, Para):
                    out += [b.text, ""]
                elif isinstance(b, Chain):
                    out += ["$$", r"\begin{aligned}", *_aligned(b.parts), r"\end{aligned}", "$$", ""]
                else:
                    out += ["$$", b.math, "$$", ""]
    return "\n".join(out)


def latex(sheet: Sheet) -> str:
    out = [r"\documentclass[a4paper,11pt]{article}", r"\usepackage{amsmath}",
           r"\allowdisplaybreaks", r"\setlength{\parindent}{0pt}",
           r"\setlength{\parskip}{0.5em}", r"\begin{document}", rf"\section*{{{_tex_text(sheet.title)}}}"]
    for i, (part, sections) in enumerate(sheet.parts):
        if i:
            out.append(r"\clearpage")
        out.append(rf"\subsection*{{{_tex_text(part)}}}")
        for sec in sections:
            out.append(rf"\subsubsection*{{{_tex_text(sec.title)}}}")
            for b in sec.blocks:
                if isinstance(b, Para):
                    out += [_tex_text(b.text), ""]
                elif isinstance(b, Chain):
                    out += [r"\begin{align*}", *_aligned(b.parts), r"\end{align*}"]
                else:
                    out += [r"\[", b.math, r"\]"]
    out.append(r"\end{document}")
    return "\n".join(out) + "\n"


NEGATIVE = re.compile(r"(?<=[(\s=])-(\d+(?:\.\d+)?)")


@lru_cache(maxsize=4096)  # ~1 KB each; a class on one preset asks for the same formulas and numbers
def _math(tex: str, display: bool = False) -> str:
    # A negative number as its own group: MathML then draws its minus as a sign, not as a binary
    # operator with space on both sides ("( - 0.6)").
    out = to_mathml(NEGATIVE.sub(r"{-\1}", tex), display="block" if display else "inline")
    return out.replace(' xmlns="http://www.w3.org/1998/Math/MathML"', "", 1)


def _html_text(text: str) -> str:
    out, last = [], 0
    for m in INLINE.finditer(text):
        out += [html.escape(text[last:m.start()]), _math(m.group(1))]
        last = m.end()
    out.append(html.escape(text[last:]))
    return "".join(out)


def html_fragment(sheet: Sheet) -> str:
    """An <article> for the page's print view: one <section> per sheet section, formulas as
    MathML Core (Chromium, Firefox and Safari draw it without a script)."""
    out = [f'<article class="sheet"><h1>{html.escape(sheet.title)}</h1>']
    for part, sections in sheet.parts:
        out.append(f'<div class="sheet-part"><h2>{html.escape(part)}</h2>')
        for sec in sections:
            cls = "sheet-section page-break" if sec.page_break else "sheet-section"
            out.append(f'<section class="{cls}"><h3>{html.escape(sec.title)}</h3>')
            for b in sec.blocks:
                if isinstance(b, Para):
                    out.append(f"<p>{_html_text(b.text)}</p>")
                elif isinstance(b, Chain):
                    rows = [f"<tr><td>{_math(b.parts[0])}</td><td>{_math('= ' + b.parts[1])}</td></tr>"]
                    rows += [f"<tr><td></td><td>{_math('= ' + p)}</td></tr>" for p in b.parts[2:]]
                    out.append(f'<table class="chain">{"".join(rows)}</table>')
                else:
                    out.append(f'<div class="display">{_math(b.math, display=True)}</div>')
            out.append("</section>")
        out.append("</div>")
    out.append("</article>")
    return "".join(out)


RENDERERS = {"markdown": markdown, "latex": latex, "html": html_fragment}
