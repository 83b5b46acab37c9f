"""TAP VPC's PCI DSS v4.0.1 rule pack: one pure rule per requirement, over the synthesized template.

``pack.RULES`` lists the rules; ``pack.evaluate`` runs them over one template (the synth, the
evidence report and the integration suite all call it); ``plugin.PciDssV4Checks`` runs them on
every synth as a CDK policy-validation plugin. ``outside_scope`` names the requirements this app
does not meet itself, and who must.
"""
