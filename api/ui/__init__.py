"""The QA review workspace: server-rendered pages at /ui/ (Jinja2 templates in api/templates/ui).

`router` is included in the app by api.main; the pages authenticate with a session cookie
(api.ui.sessions), not with the API's bearer keys.
"""

from fastapi import APIRouter, Depends

from api.ui import auth_routes, call_routes, privacy_case_routes, privacy_routes, static_routes
from api.ui.web import refuse_nul_in_path

router = APIRouter(include_in_schema=False, dependencies=[Depends(refuse_nul_in_path)])
for _module in (auth_routes, call_routes, privacy_routes, privacy_case_routes, static_routes):
    router.include_router(_module.router)

__all__ = ["router"]
