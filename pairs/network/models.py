"""The Apec network: regional delegations, their consultants and places."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pairs.reference.models import Departement, Region


class Delegation(models.Model):
    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("nom"), max_length=100)
    regions = models.ManyToManyField(Region, related_name="delegations", verbose_name=_("régions"))
    in_experiment = models.BooleanField(
        _("dans l'expérimentation"),
        default=False,
        help_text=_("Cochée pour les délégations qui participent à l'expérimentation."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("délégation")
        verbose_name_plural = _("délégations")

    def __str__(self) -> str:
        return self.name


class Consultant(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consultant")
    delegation = models.ForeignKey(Delegation, on_delete=models.PROTECT, related_name="consultants")
    title = models.CharField(_("fonction"), max_length=150, blank=True)

    class Meta:
        ordering = ["user__last_name", "user__first_name"]
        verbose_name = _("consultant·e")
        verbose_name_plural = _("consultant·es")

    def __str__(self) -> str:
        return self.user.get_full_name() or self.user.email


class PlaceKind(models.TextChoices):
    APEC_CENTRE = "apec_centre", _("Centre Apec")
    SALON = "salon", _("Salon")
    COMPANY = "company", _("Entreprise")
    THIRD_PLACE = "third_place", _("Tiers-lieu")
    ONLINE = "online", _("En ligne")


class Place(models.Model):
    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("type de lieu"), max_length=20, choices=PlaceKind.choices)
    address = models.CharField(_("adresse"), max_length=250, blank=True)
    postcode = models.CharField(_("code postal"), max_length=5, blank=True)
    city = models.CharField(_("ville"), max_length=100, blank=True)
    departement = models.ForeignKey(
        Departement, on_delete=models.PROTECT, null=True, blank=True, related_name="places"
    )
    delegation = models.ForeignKey(Delegation, on_delete=models.PROTECT, related_name="places")
    accessibility_notes = models.TextField(_("accessibilité"), blank=True)
    capacity = models.PositiveIntegerField(_("capacité"), null=True, blank=True)

    class Meta:
        ordering = ["delegation", "name"]
        verbose_name = _("lieu")
        verbose_name_plural = _("lieux")

    def __str__(self) -> str:
        return self.name
