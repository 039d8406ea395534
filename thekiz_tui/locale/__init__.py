"""The translations: ``<lang>/LC_MESSAGES/thekiz.po`` (gettext), German being the message
ids (see ``thekiz_tui.i18n``)."""
