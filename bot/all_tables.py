"""Every table on the one `Base`: the core tables (`bot/storage/models.py`) and each
feature's own (`bot/<feature>/models.py`), for Alembic's migrations (`migrations/env.py`
reads it), their check (`storage.migrate.pending_differences`) and the tests that walk
every table. It sits above the features, beside the wiring, so that storage never imports
a feature: each feature's tables live with its code."""

from __future__ import annotations

from bot.broadcasts import models as broadcast_models
from bot.peers import models as peer_models
from bot.places import models as places_models
from bot.safety import models as safety_models
from bot.staff import models as staff_models
from bot.storage.models import Base

FEATURE_MODELS = (peer_models, places_models, safety_models, staff_models,
                  broadcast_models)

__all__ = ["FEATURE_MODELS", "Base"]
