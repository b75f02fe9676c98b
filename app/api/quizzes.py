"""Exam practice: stateless questions (the id is kind-seed), answers marked with a tolerance."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, HTTPException, Path

from app.teaching import quiz
from app.schemas import AnswerRequest, AnswerResult, QuizCreate, QuizKindInfo, QuizQuestion

router = APIRouter(prefix="/api/quizzes", tags=["quizzes"])
QuizId = Annotated[str, Path(min_length=3, max_length=48, pattern=r"^[a-z_]+-[0-9]+$",
                             description="kind-seed, as returned on creation")]
NO_QUIZ = {404: {"description": "no quiz kind of this name, or a seed out of range"}}


def question_of(quiz_id: str) -> quiz.Question:
    try:
        kind, seed = quiz.parse_id(quiz_id)
    except LookupError as err:
        raise HTTPException(404, str(err)) from None
    return quiz.generate(kind, seed)


@router.get("/kinds")
def list_kinds() -> list[QuizKindInfo]:
    return [QuizKindInfo(name=name, title=k.title, description=k.description) for name, k in quiz.KINDS.items()]


@router.post("", status_code=201)
def create_quiz(body: QuizCreate) -> QuizQuestion:
    """A question; the same kind and seed always give the same question."""
    kind = body.kind or list(quiz.KINDS)[secrets.randbelow(len(quiz.KINDS))]
    seed = body.seed if body.seed is not None else secrets.randbelow(quiz.MAX_SEED + 1)
    return QuizQuestion.of(quiz.generate(kind, seed))


@router.get("/{quiz_id}", responses=NO_QUIZ)
def read_quiz(quiz_id: QuizId) -> QuizQuestion:
    return QuizQuestion.of(question_of(quiz_id))


@router.post("/{quiz_id}/answer", responses=NO_QUIZ)
def answer_quiz(quiz_id: QuizId, body: AnswerRequest) -> AnswerResult:
    """Mark an answer and show the worked solution (value null: just show the solution)."""
    return AnswerResult.of(quiz.check(question_of(quiz_id), body.value))
