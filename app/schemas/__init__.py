"""Every pydantic model of the API; numpy arrays become lists only here."""

from app.schemas.common import Matrix, Strict, to_array, to_list
from app.schemas.datasets import Dataset, DatasetInfo
from app.schemas.networks import NetworkCreate, NetworkPatch, NetworkPublic
from app.schemas.passes import (BackwardRequest, BackwardResult, ForwardRequest, ForwardResult, StepRequest,
                                StepResult, TrainRequest, TrainResult, backward_fields, layers_of)

__all__ = ["Matrix", "Strict", "to_array", "to_list", "Dataset", "DatasetInfo", "NetworkCreate", "NetworkPatch",
           "NetworkPublic", "BackwardRequest", "BackwardResult", "ForwardRequest", "ForwardResult", "StepRequest",
           "StepResult", "TrainRequest", "TrainResult", "backward_fields", "layers_of"]
