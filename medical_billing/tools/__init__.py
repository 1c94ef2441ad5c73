"""Helpers of the billing models that are not models themselves."""
