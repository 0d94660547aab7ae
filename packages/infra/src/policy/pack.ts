// The policy pack's entry (policy-pack/PulumiPolicy.yaml): `pulumi up --policy-pack policy-pack`.
// Constructing a PolicyPack starts its gRPC server, so nothing else imports this module.
import { PolicyPack } from '@pulumi/policy';
import { policies } from './policies.js';

new PolicyPack('hyperp-security', { policies, description: "hyperp's least-privilege and encryption rules" });
