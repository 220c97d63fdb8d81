"""The audit of an app's pins."""
