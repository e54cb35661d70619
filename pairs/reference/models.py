"""Reference data copied from public sources (see pairs/reference/data/README.md).

Natural codes are the primary keys: they are stable across versions and make
imports, fixtures and URLs readable.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Region(models.Model):
    code = models.CharField(_("code INSEE"), max_length=3, primary_key=True)
    label = models.CharField(_("libellé"), max_length=100)
    overseas = models.BooleanField(_("outre-mer"), default=False)

    class Meta:
        ordering = ["label"]
        verbose_name = _("région")
        verbose_name_plural = _("régions")

    def __str__(self) -> str:
        return self.label


class Departement(models.Model):
    code = models.CharField(_("code INSEE"), max_length=3, primary_key=True)
    label = models.CharField(_("libellé"), max_length=100)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="departements")

    class Meta:
        ordering = ["code"]
        verbose_name = _("département")
        verbose_name_plural = _("départements")

    def __str__(self) -> str:
        return f"{self.code} – {self.label}"


class RomeGrandDomaine(models.Model):
    code = models.CharField(_("code"), max_length=1, primary_key=True)
    label = models.CharField(_("libellé"), max_length=200)

    class Meta:
        ordering = ["code"]
        verbose_name = _("grand domaine ROME")
        verbose_name_plural = _("grands domaines ROME")

    def __str__(self) -> str:
        return f"{self.code} – {self.label}"


class RomeDomaine(models.Model):
    code = models.CharField(_("code"), max_length=3, primary_key=True)
    label = models.CharField(_("libellé"), max_length=200)
    grand_domaine = models.ForeignKey(RomeGrandDomaine, on_delete=models.PROTECT, related_name="domaines")

    class Meta:
        ordering = ["code"]
        verbose_name = _("domaine professionnel ROME")
        verbose_name_plural = _("domaines professionnels ROME")

    def __str__(self) -> str:
        return f"{self.code} – {self.label}"


class RomeMetier(models.Model):
    code = models.CharField(_("code ROME"), max_length=5, primary_key=True)
    label = models.CharField(_("libellé"), max_length=250)
    domaine = models.ForeignKey(RomeDomaine, on_delete=models.PROTECT, related_name="metiers")
    # None where the ROME leaves the flag empty: "unknown" is not "no".
    emploi_cadre = models.BooleanField(_("emploi cadre"), null=True)
    emploi_reglemente = models.BooleanField(_("emploi réglementé"), null=True)
    transition_eco = models.CharField(_("transition écologique"), max_length=100, blank=True)
    transition_num = models.BooleanField(_("transition numérique"), null=True)
    transition_demo = models.BooleanField(_("transition démographique"), null=True)
    code_ogr = models.CharField(_("code OGR"), max_length=10, blank=True)
    mobilities = models.ManyToManyField(
        "self", through="RomeMobility", symmetrical=False, related_name="mobility_sources"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("métier ROME")
        verbose_name_plural = _("métiers ROME")

    def __str__(self) -> str:
        return f"{self.code} – {self.label}"


class RomeMobility(models.Model):
    """A mobility link of ROME 4.0: from one job, people commonly move to another."""

    source = models.ForeignKey(RomeMetier, on_delete=models.CASCADE, related_name="mobility_links")
    target = models.ForeignKey(RomeMetier, on_delete=models.CASCADE, related_name="+")
    order = models.PositiveSmallIntegerField(_("rang"))

    class Meta:
        ordering = ["source", "order"]
        constraints = [models.UniqueConstraint(fields=["source", "target"], name="unique_rome_mobility")]
        verbose_name = _("mobilité ROME")
        verbose_name_plural = _("mobilités ROME")

    def __str__(self) -> str:
        return f"{self.source_id} → {self.target_id}"


class RomeAppellation(models.Model):
    """A job title ("appellation") pointing to its ROME job."""

    code_ogr = models.CharField(_("code OGR"), max_length=10, primary_key=True)
    label = models.CharField(_("libellé"), max_length=250)
    label_short = models.CharField(_("libellé court"), max_length=250, blank=True)
    metier = models.ForeignKey(RomeMetier, on_delete=models.CASCADE, related_name="appellations")
    is_principal = models.BooleanField(_("appellation principale"), default=False)
    emploi_cadre = models.BooleanField(_("emploi cadre"), null=True)
    rarely_used = models.BooleanField(_("peu usitée"), default=False)
    # The label folded to lower-case ASCII words (pairs_engine.text.fold), so that
    # "ingenieur" finds "Ingénieur" in any database without an unaccent extension.
    search_text = models.CharField(_("texte de recherche"), max_length=250, blank=True, editable=False)

    class Meta:
        ordering = ["label"]
        verbose_name = _("appellation ROME")
        verbose_name_plural = _("appellations ROME")

    def __str__(self) -> str:
        return self.label


class NafSection(models.Model):
    code = models.CharField(_("code"), max_length=1, primary_key=True)
    label = models.CharField(_("libellé"), max_length=250)

    class Meta:
        ordering = ["code"]
        verbose_name = _("section NAF")
        verbose_name_plural = _("sections NAF")

    def __str__(self) -> str:
        return f"{self.code} – {self.label}"


class NafDivision(models.Model):
    code = models.CharField(_("code"), max_length=2, primary_key=True)
    label = models.CharField(_("libellé"), max_length=250)
    label_short = models.CharField(_("libellé court"), max_length=100, blank=True)
    section = models.ForeignKey(NafSection, on_delete=models.PROTECT, related_name="divisions")

    class Meta:
        ordering = ["code"]
        verbose_name = _("division NAF")
        verbose_name_plural = _("divisions NAF")

    def __str__(self) -> str:
        return f"{self.code} – {self.label_short or self.label}"


class ReferenceDataVersion(models.Model):
    """Which version of each source the database holds, and when it was loaded."""

    source = models.CharField(_("source"), max_length=30, primary_key=True)
    version = models.CharField(_("version"), max_length=100)
    loaded_at = models.DateTimeField(_("chargée le"), auto_now=True)
    row_count = models.PositiveIntegerField(_("lignes"), default=0)

    class Meta:
        verbose_name = _("version des données de référence")
        verbose_name_plural = _("versions des données de référence")

    def __str__(self) -> str:
        return f"{self.source} {self.version}"
