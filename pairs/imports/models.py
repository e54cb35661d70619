"""An import of a consultant's contact file, and its progress.

The uploaded file is kept in the row (not on disk) so that any worker on any
machine can run or resume the import; it is emptied when the import ends.
Progress is written in the same transaction as each chunk of rows, so
``last_committed_row`` always says exactly where to resume.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pairs.network.models import Consultant

# A running import writes a chunk every few seconds; this long a silence means its worker died.
STALL_AFTER = timedelta(minutes=2)


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Fichier reçu")
    MAPPED = "mapped", _("Colonnes associées")
    QUEUED = "queued", _("En attente")
    RUNNING = "running", _("En cours")
    DONE = "done", _("Terminé")
    FAILED = "failed", _("Interrompu")
    # Never finished and left untouched: the retention sweep deleted the uploaded file.
    EXPIRED = "expired", _("Abandonné, fichier supprimé")


class ImportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "Excel (.xlsx)"


class ImportJob(models.Model):
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("importé par"),
    )
    # The imported members become this consultant's contacts (None: national
    # team or administration, who have no contacts of their own).
    consultant = models.ForeignKey(
        Consultant,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("consultant·e"),
    )
    file_name = models.CharField(_("nom du fichier"), max_length=255)
    file_format = models.CharField(_("format"), max_length=10, choices=ImportFormat.choices)
    file_content = models.BinaryField(_("contenu du fichier"), blank=True, default=b"")
    headers = models.JSONField(_("en-têtes"), default=list)
    # Field key -> column index (None: not imported).
    mapping = models.JSONField(_("association des colonnes"), default=dict)
    status = models.CharField(
        _("état"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    total = models.PositiveIntegerField(_("lignes"), default=0)
    processed = models.PositiveIntegerField(_("lignes traitées"), default=0)
    created = models.PositiveIntegerField(_("membres créés"), default=0)
    updated = models.PositiveIntegerField(_("membres déjà présents"), default=0)
    invalid = models.PositiveIntegerField(_("lignes refusées"), default=0)
    # Rows [0, last_committed_row) of the file's data rows are committed.
    last_committed_row = models.PositiveIntegerField(_("dernière ligne enregistrée"), default=0)
    # The rejected rows, as CSV text (header included), grown chunk by chunk.
    error_file = models.TextField(_("fichier des erreurs"), blank=True)
    failure = models.TextField(_("cause de l'interruption"), blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)
    # When the retention sweep deleted the uploaded file of an abandoned import, and the
    # rejected rows of an ended one (see services.import_purge_stale).
    file_purged_at = models.DateTimeField(_("fichier supprimé le"), null=True, blank=True)
    error_file_purged_at = models.DateTimeField(_("fichier des erreurs supprimé le"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import de contacts")
        verbose_name_plural = _("imports de contacts")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status in (ImportStatus.QUEUED, ImportStatus.RUNNING)

    @property
    def is_stalled(self) -> bool:
        return self.status == ImportStatus.RUNNING and self.updated_at < timezone.now() - STALL_AFTER

    @property
    def percent(self) -> int:
        return round(100 * self.processed / self.total) if self.total else 0
