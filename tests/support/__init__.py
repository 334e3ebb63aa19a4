"""Helpers shared by the test suite and the bench scripts: data builders, a shopper, waits, Midtrans bodies."""
