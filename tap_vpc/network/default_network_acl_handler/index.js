"use strict";
// Custom::VpcRestrictDefaultNetworkAcl: remove the allow-all entries AWS puts in a VPC's default
// network ACL, so it admits nothing (PCI DSS v4.0.1 1.3.1, Security Hub EC2.21). Modelled on
// aws-cdk-lib's Custom::VpcRestrictDefaultSG handler; aws-cdk-lib's entrypoint answers CloudFormation.
// AWS creates rule 100 (IPv4) and, once the VPC has an IPv6 CIDR, rule 101 (IPv6) in each direction
// (Amazon VPC User Guide, "Default network ACL"); the final "*" deny entries cannot be removed.
const ALLOW_ALL_RULES = [100, 101];
const DIRECTIONS = [false, true];

async function lockDown(ec2, aclId) {
  for (const egress of DIRECTIONS) {
    for (const rule of ALLOW_ALL_RULES) {
      try {
        await ec2.deleteNetworkAclEntry({ NetworkAclId: aclId, RuleNumber: rule, Egress: egress });
      } catch (error) {
        if (error.name !== "InvalidNetworkAclEntry.NotFound") throw error;
      }
    }
  }
}

async function restore(ec2, aclId) {
  // What AWS creates for a VPC without IPv6: allow all IPv4 traffic in and out at rule 100.
  for (const egress of DIRECTIONS) {
    try {
      await ec2.createNetworkAclEntry({
        NetworkAclId: aclId,
        RuleNumber: 100,
        Protocol: "-1",
        RuleAction: "allow",
        Egress: egress,
        CidrBlock: "0.0.0.0/0",
      });
    } catch (error) {
      if (error.name !== "NetworkAclEntryAlreadyExists" && error.name !== "InvalidNetworkAclID.NotFound") throw error;
    }
  }
}

async function respond(event, ec2) {
  const aclId = event.ResourceProperties.DefaultNetworkAclId;
  switch (event.RequestType) {
    case "Create":
      await lockDown(ec2, aclId);
      break;
    case "Update": {
      const previous = event.OldResourceProperties.DefaultNetworkAclId;
      if (previous !== aclId) {
        await restore(ec2, previous);
        await lockDown(ec2, aclId);
      }
      break;
    }
    case "Delete":
      await restore(ec2, aclId);
      break;
  }
  return {};
}

async function handler(event) {
  // The AWS SDK for JavaScript v3 ships with the Lambda Node.js runtimes.
  const { EC2 } = require("@aws-sdk/client-ec2");
  return respond(event, new EC2({}));
}

module.exports = { handler, respond };
