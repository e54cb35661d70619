"""Access control as one mechanism: every URL declares who may use it.

A view is tagged with ``@access(RULE)``; ``AccessRuleMiddleware`` enforces the
rule before the view runs. Views from third-party apps (admin, allauth, i18n)
get their rule from ``THIRD_PARTY_RULES`` by module. A view with no rule is
refused (fail closed), and ``tests/test_access_rules.py`` enumerates the URL
configuration so that a missing rule fails the build before it ships.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import URLPattern, URLResolver, get_resolver

from pairs.accounts.models import DELEGATION_ROLES, Role

V = TypeVar("V", bound=Callable[..., Any])

# A scope refines a role check with the URL's arguments, e.g. "a consultant,
# but only of the delegation named in the URL".
Scope = Callable[[Any, dict[str, Any]], bool]


@dataclass(frozen=True)
class AccessRule:
    name: str
    description: str
    roles: frozenset[str] | None = None  # None: anyone, signed in or not
    scope: Scope | None = field(default=None, compare=False)
    # The third-party view checks access itself (the admin site does); the rule
    # documents who it lets in, and the middleware does not second-guess it.
    enforced_by_view: bool = False

    @property
    def login_required(self) -> bool:
        return self.roles is not None

    def allows(self, user: Any, view_kwargs: dict[str, Any]) -> bool:
        if self.roles is None:
            return True
        if not user.is_authenticated or not user.is_active:
            return False
        if user.role not in self.roles:
            return False
        return self.scope is None or self.scope(user, view_kwargs)


def delegation_scope(kwarg: str = "delegation_code") -> Scope:
    """Consultants and leads only for their own delegation; other roles pass."""

    def check(user: Any, view_kwargs: dict[str, Any]) -> bool:
        if user.role not in DELEGATION_ROLES:
            return True
        consultant = getattr(user, "consultant", None)
        return consultant is not None and consultant.delegation.code == view_kwargs.get(kwarg)

    return check


_ALL_STAFF = frozenset({Role.CONSULTANT, Role.DELEGATION_LEAD, Role.NATIONAL, Role.ADMIN})

PUBLIC = AccessRule("public", "Tout le monde, connecté ou non.")
SIGNED_IN = AccessRule("signed_in", "Toute personne connectée.", roles=frozenset(Role.values))
MEMBER = AccessRule("member", "Les membres connectés.", roles=frozenset({Role.MEMBER}))
STAFF = AccessRule(
    "staff", "Consultant·es, responsables, équipe nationale, administration.", roles=_ALL_STAFF
)
# Organising and inviting belong to people of a delegation: the national team follows, it does not organise.
ORGANISERS = AccessRule(
    "organisers",
    "Consultant·es et responsables de délégation.",
    roles=frozenset({Role.CONSULTANT, Role.DELEGATION_LEAD}),
)
DELEGATION_STAFF = AccessRule(
    "delegation_staff",
    "Consultant·es et responsables de la délégation visée ; équipe nationale ; administration.",
    roles=_ALL_STAFF,
    scope=delegation_scope(),
)
NATIONAL = AccessRule(
    "national", "Équipe nationale et administration.", roles=frozenset({Role.NATIONAL, Role.ADMIN})
)
ADMIN_SITE = AccessRule(
    "admin_site",
    "L'administration Django : comptes is_staff (équipe nationale, administration), vérifiés par le site admin.",
    roles=frozenset({Role.NATIONAL, Role.ADMIN}),
    enforced_by_view=True,
)

ALL_RULES = (PUBLIC, SIGNED_IN, MEMBER, STAFF, ORGANISERS, DELEGATION_STAFF, NATIONAL, ADMIN_SITE)

# Views we do not write get their rule here: by URL namespace (everything the
# admin site mounts, whatever module the view comes from) or by module.
NAMESPACE_RULES: dict[str, AccessRule] = {"admin": ADMIN_SITE}
THIRD_PARTY_RULES: dict[str, AccessRule] = {
    # allauth's pages are the way in; those that need a session check it themselves.
    "allauth": PUBLIC,
    "django.views.i18n": PUBLIC,
}


def access(rule: AccessRule) -> Callable[[V], V]:
    """Declare the access rule of a view function or class-based view."""

    def decorate(view: V) -> V:
        view.access_rule = rule  # type: ignore[attr-defined]
        return view

    return decorate


def rule_for_view(view_func: Callable[..., Any], namespaces: Iterable[str] = ()) -> AccessRule | None:
    for namespace in namespaces:
        if namespace in NAMESPACE_RULES:
            return NAMESPACE_RULES[namespace]
    rule = getattr(view_func, "access_rule", None)
    if rule is None:
        rule = getattr(getattr(view_func, "view_class", None), "access_rule", None)
    if rule is None:
        module = getattr(view_func, "__module__", "") or ""
        for prefix, third_party_rule in THIRD_PARTY_RULES.items():
            if module == prefix or module.startswith(prefix + "."):
                return third_party_rule
    return rule


class AccessRuleMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        match = request.resolver_match
        rule = rule_for_view(view_func, match.namespaces if match else ())
        if rule is None:
            # Fail closed: an undeclared view is a bug, never an open door.
            raise ImproperlyConfigured(
                f"The view {view_func.__module__}.{view_func.__name__} has no access rule."
            )
        if rule.enforced_by_view or rule.allows(request.user, view_kwargs):
            return None
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        raise PermissionDenied


@dataclass(frozen=True)
class RoutedView:
    route: str
    name: str | None
    callback: Callable[..., Any]
    namespaces: tuple[str, ...] = ()

    @property
    def rule(self) -> AccessRule | None:
        return rule_for_view(self.callback, self.namespaces)


def iter_routes(
    resolver: URLResolver | None = None, prefix: str = "", namespaces: tuple[str, ...] = ()
) -> Iterator[RoutedView]:
    """Every URL of the configuration, with its full route and namespaced name."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLPattern):
            name = ":".join([*namespaces, entry.name]) if entry.name else None
            yield RoutedView(prefix + str(entry.pattern), name, entry.callback, namespaces)
        elif isinstance(entry, URLResolver):
            child = (*namespaces, entry.namespace) if entry.namespace else namespaces
            yield from iter_routes(entry, prefix + str(entry.pattern), child)


def routes_without_rule() -> list[RoutedView]:
    return [route for route in iter_routes() if route.rule is None]
