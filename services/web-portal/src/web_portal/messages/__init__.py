"""English of the portal's Indonesian texts, one module per area (see web_portal.i18n)."""
