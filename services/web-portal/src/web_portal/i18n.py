"""Indonesian first, English on request: gettext-style, the Indonesian text is the key.

``_("Beranda")`` answers "Beranda" in Indonesian and the English of ``messages/*.py`` in English
(the Indonesian again when a page forgot one; tests/unit/test_portal_i18n.py finds those).
Each area of the portal keeps its own ``messages/<area>.py`` with a dict ``EN``, so helpers adding
pages do not edit one shared file. The domain's words (SKP, RHK, IKI, Realisasi, Predikat,
Keberatan, JP) are not translated.
"""

import importlib
import pkgutil
from collections.abc import Callable

from web_portal import messages

LANGUAGES = ("id", "en")
LANGUAGE_COOKIE = "bahasa"


def _load_catalogue() -> dict[str, str]:
    catalogue: dict[str, str] = {}
    for module in pkgutil.iter_modules(messages.__path__):
        english = importlib.import_module(f"{messages.__name__}.{module.name}").EN
        # One text may appear in several areas; translated differently, import order would decide.
        clashes = {text for text in catalogue.keys() & english.keys() if catalogue[text] != english[text]}
        if clashes:
            raise RuntimeError(f"messages/{module.name}.py repeats {sorted(clashes)[:3]}")
        catalogue.update(english)
    return catalogue


ENGLISH = _load_catalogue()


def translate(text: str, language: str, **values) -> str:
    chosen = ENGLISH.get(text, text) if language == "en" else text
    return chosen.format(**values) if values else chosen


def translator(language: str) -> Callable[..., str]:
    return lambda text, **values: translate(text, language, **values)


def language_of(request) -> str:
    """The visitor's choice (a cookie), else the portal's default."""
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    return chosen if chosen in LANGUAGES else request.app.state.settings.default_language
