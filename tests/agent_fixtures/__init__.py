"""Shared helpers for the agent tests: tiny local models, small worlds."""
