"""Every table on the one `Base`: the core tables (`bot/storage/models.py`) and each
feature's own (`bot/<feature>/models.py`), for Alembic's migrations, their check and the
tests that walk every table. Only these import it: the one place storage reaches the
features, so the features' tables can live with their code (`ignore_imports` in the
import contracts names it)."""

from __future__ import annotations

from bot.peers import models as peer_models
from bot.places import models as places_models
from bot.safety import models as safety_models
from bot.storage.models import Base

FEATURE_MODELS = (peer_models, places_models, safety_models)

__all__ = ["FEATURE_MODELS", "Base"]
