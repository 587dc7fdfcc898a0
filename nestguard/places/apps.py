from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "nestguard.places"
    label = "places"
