"""Test settings shared by the whole suite."""

from hypothesis import settings

# Timing is not what these property tests check: on a loaded 2-core CI machine the default 200 ms deadline
# turns a slow first example into a spurious failure. Tests that need a time bound set their own.
settings.register_profile("dealweb", deadline=None, print_blob=True)
settings.load_profile("dealweb")
