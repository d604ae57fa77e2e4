import type { Migration } from '../migrate';
import { migration as core } from './0001_core';
import { migration as identity } from './0002_identity';
import { migration as invitations } from './0003_invitations';
import { migration as activity } from './0004_activity';
import { migration as resources } from './0005_resources';
import { migration as invitationLimits } from './0006_invitation_limits';
import { migration as apiKeyOwner } from './0007_api_key_owner';
import { migration as activitySeals } from './0008_activity_seals';
import { migration as verificationEmailLimit } from './0009_verification_email_limit';

/**
 * Every migration, in order. Append new ones at the end (one file each,
 * `NNNN_topic.ts`); never edit one that has been released.
 */
export const MIGRATIONS: readonly Migration[] = [
  core,
  identity,
  invitations,
  activity,
  resources,
  invitationLimits,
  apiKeyOwner,
  activitySeals,
  verificationEmailLimit,
];
