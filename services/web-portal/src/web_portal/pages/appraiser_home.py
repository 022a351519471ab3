"""Pejabat penilai: the landing page of the role (its pages come in the next phase)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request

from web_portal.navigation import NavItem
from web_portal.rendering import render
from web_portal.session import User, require_role

router = APIRouter(prefix="/penilai")
Appraiser = Annotated[User, Depends(require_role("appraiser"))]
NAV = [NavItem("appraiser", "Beranda", "/penilai", order=0)]


@router.get("")
async def home(request: Request, user: Appraiser):
    return render(request, "appraiser/home.html")
