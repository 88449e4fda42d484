"""One APIRouter per resource; api.main includes each of them."""
