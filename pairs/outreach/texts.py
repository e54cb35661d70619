"""The consent text of the "Restons en contact" form, stored word for word with each sign-up.

Like ``pairs.privacy.texts``: a plain French string, stored as shown; to change it,
change the text *and* bump the version.
"""

from __future__ import annotations

SIGNUP_CONSENT_VERSION = "2026-11"
SIGNUP_CONSENT_TEXT = (
    "J'accepte que l'Apec conserve les informations saisies dans ce formulaire pour me tenir informé·e "
    "de Rencontres entre Pairs selon les souhaits que j'ai cochés, et que les consultant·es Apec de mon "
    "département y aient accès. Je confirme mon adresse par le lien reçu par email ; je peux me "
    "désinscrire à tout moment par le lien présent dans chaque email. Sans confirmation sous 7 jours, "
    "mes informations sont effacées."
)
