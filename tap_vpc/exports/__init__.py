"""The export contract: the stack's outputs and exports, and what consumer stacks call to use them.

``outputs`` names every output and export; ``imports`` is what consumer stacks call.
"""
