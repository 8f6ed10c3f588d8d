"""Adversarial inputs for the reliability tests (issue 8) and the live server they are sent to."""
