"""The exam-practice and XOR-story pages."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from app.api.pages import templates

router = APIRouter(include_in_schema=False)


@router.get("/practice", response_class=HTMLResponse)
def practice(request: Request) -> HTMLResponse:
    return templates.TemplateResponse(request, "practice.html", {})


@router.get("/story", response_class=HTMLResponse)
def story(request: Request) -> HTMLResponse:
    return templates.TemplateResponse(request, "story.html", {})
