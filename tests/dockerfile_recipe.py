"""Read the Dockerfile as a list of instructions, for the tests that check and replay it."""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCKERFILE = ROOT / "Dockerfile"


@dataclass(frozen=True)
class Instruction:
    keyword: str   # upper case: FROM, RUN, COPY, ...
    args: str      # the rest, continuation lines joined

    def exec_form(self) -> list[str]:
        """The JSON array of CMD/HEALTHCHECK CMD; a ValueError for the shell form."""
        text = self.args.split("CMD", 1)[1] if self.keyword == "HEALTHCHECK" else self.args
        value = json.loads(text.strip())
        if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            raise ValueError(f"{self.keyword} is not in exec form: {self.args}")
        return value


def parse(path: Path = DOCKERFILE) -> list[Instruction]:
    instructions: list[Instruction] = []
    pending = ""
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):  # a comment inside a continued instruction
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        keyword, _, args = (pending + line).partition(" ")
        instructions.append(Instruction(keyword.upper(), " ".join(args.split())))
        pending = ""
    return instructions


def env(instructions: list[Instruction]) -> dict[str, str]:
    """Every ENV key=value, later ones winning."""
    values: dict[str, str] = {}
    for ins in instructions:
        if ins.keyword == "ENV":
            for pair in shlex.split(ins.args):
                key, _, value = pair.partition("=")
                values[key] = value
    return values


def copy_sources(instructions: list[Instruction]) -> list[str]:
    """The paths that COPY takes from the build context, in order."""
    sources: list[str] = []
    for ins in instructions:
        if ins.keyword == "COPY":
            words = [w for w in shlex.split(ins.args) if not w.startswith("--")]
            sources += words[:-1]
    return sources
