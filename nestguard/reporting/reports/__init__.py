"""The named reports. Each module here registers its report (`registry.register_report`) when
it is imported; the app imports every module of this package when it starts (apps.py), so a
new report is a new module and nothing else."""
