"""Every pydantic model of the API; numpy arrays become lists only here."""

from app.schemas.common import Matrix, Strict, to_array, to_json, to_list
from app.schemas.datasets import Dataset, DatasetInfo
from app.schemas.gradcheck import GradientCheckRequest, GradientCheckResult
from app.schemas.networks import NetworkCreate, NetworkPatch, NetworkPublic
from app.schemas.perceptron import PerceptronRequest, PerceptronResult
from app.schemas.presets import ImportResult, PresetInfo, SavedData, SavedDocument, SavedNetwork
from app.schemas.quizzes import AnswerRequest, AnswerResult, QuizCreate, QuizKindInfo, QuizQuestion
from app.schemas.passes import (BackwardRequest, BackwardResult, ForwardRequest, ForwardResult, StepRequest,
                                StepResult, TrainRequest, TrainResult, layers_of)

__all__ = ["Matrix", "Strict", "to_array", "to_json", "to_list", "Dataset", "DatasetInfo", "NetworkCreate", "NetworkPatch",
           "NetworkPublic", "BackwardRequest", "BackwardResult", "ForwardRequest", "ForwardResult", "StepRequest",
           "StepResult", "TrainRequest", "TrainResult", "layers_of",
           "PerceptronRequest", "PerceptronResult", "ImportResult", "PresetInfo", "SavedData", "SavedDocument",
           "SavedNetwork", "AnswerRequest", "AnswerResult", "QuizCreate", "QuizKindInfo", "QuizQuestion",
           "GradientCheckRequest", "GradientCheckResult"]
