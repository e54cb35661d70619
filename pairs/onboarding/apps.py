from django.apps import AppConfig


class OnboardingConfig(AppConfig):
    name = "pairs.onboarding"
    label = "onboarding"
