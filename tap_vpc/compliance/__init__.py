"""Compliance: the gates every synth runs, and every acknowledgement with its reason.

``gates`` adds the four cdk-nag packs and Control Tower's proactive controls (with the rule
selection of ``control_tower_rules``); ``acknowledgements`` holds the named helpers.
"""
