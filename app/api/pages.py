"""The HTML pages: the network page, exam practice, the XOR story, the printable worksheet and
the API docs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

ROOT = Path(__file__).resolve().parents[2]
templates = Jinja2Templates(directory=ROOT / "templates")
router = APIRouter(include_in_schema=False)

# /docs is Swagger UI from static/vendor, so the docs work offline and under the strict CSP.
PAGES = {"/": "index.html", "/practice": "practice.html", "/story": "story.html", "/docs": "docs.html",
         "/worksheet": "worksheet.html"}


def _page(template: str) -> Callable[[Request], HTMLResponse]:
    def render(request: Request) -> HTMLResponse:
        return templates.TemplateResponse(request, template, {})
    return render


for path, template in PAGES.items():
    router.add_api_route(path, _page(template), methods=["GET"], response_class=HTMLResponse,
                         name=template.removesuffix(".html"))
