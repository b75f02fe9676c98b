"""Exam practice: seeded questions with worked solutions, in numpy only.

A question is fully determined by (kind, seed), so its id is f"{kind}-{seed}" and any worker
can regenerate it: nothing is stored. The kinds live in app.teaching.quiz_kinds.
"""

from __future__ import annotations

import re

import numpy as np

from app.teaching.questions import Question, Value, Verdict, clear_of_slips, close
from app.teaching.quiz_kinds import KINDS
from app.nn.engine import InvalidInput

__all__ = ["KINDS", "MAX_SEED", "Question", "Verdict", "generate", "parse_id", "check"]

MAX_SEED = 2**31 - 1
ID_PATTERN = re.compile(r"^([a-z_]+)-([0-9]{1,10})$")


def generate(kind: str, seed: int) -> Question:
    """The question of this kind and seed; draws again (deterministically) while a common
    slip would be accepted, so a wrong method is never marked right."""
    if kind not in KINDS:
        raise InvalidInput(f"unknown quiz kind {kind!r}; choose one of {', '.join(KINDS)}")
    if not 0 <= seed <= MAX_SEED:
        raise InvalidInput(f"seed must be between 0 and {MAX_SEED}")
    rng = np.random.default_rng([seed, list(KINDS).index(kind)])
    for _ in range(200):
        q = KINDS[kind].make(rng, seed)
        if clear_of_slips(q):
            return q
    return q  # not reached for the kinds below (checked by the tests over many seeds)


def parse_id(quiz_id: str) -> tuple[str, int]:
    m = ID_PATTERN.match(quiz_id)
    if not m or m.group(1) not in KINDS or int(m.group(2)) > MAX_SEED:
        raise LookupError(f"no quiz {quiz_id!r}: ids look like 'hidden_delta-42' (kind-seed)")
    return m.group(1), int(m.group(2))


def check(q: Question, value: Value | None) -> Verdict:
    """Mark an answer (None = give up and see the solution)."""
    expected = q.expected
    if value is not None:
        want = len(expected) if isinstance(expected, list) else None
        got = len(value) if isinstance(value, list) else None
        if want != got:
            need = f"a list of {want} numbers" if want is not None else "a single number"
            raise InvalidInput(f"this question's answer is {need}")
    correct = value is not None and close(value, expected, q.tolerance)
    slip, marks = None, None
    if value is not None and q.mark is not None:
        marks, slip = q.mark(value)
        slip = None if correct else slip
    elif value is not None and not correct:
        slip = next((msg for v, msg in q.slips if close(value, v, q.tolerance)), None)
    return Verdict(correct, expected, q.tolerance, q.solution, slip, marks)

