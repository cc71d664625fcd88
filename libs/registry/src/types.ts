import type { OrgScope } from '@sluice/auth';

export interface Org {
  organizationId: string;
  name: string;
  createdAt: string;
}

export interface OrgKeyRecord {
  keyId: string;
  organizationId: string;
  name: string;
  scopes: OrgScope[];
  /** First characters of the key, to tell keys apart; not a secret. */
  hint: string;
  createdAt: string;
  expiresAt?: string;
  revokedAt?: string;
}

export type ResultMode = 'response' | 'callback';

export interface WorkflowTarget {
  url: string;
  headers?: Record<string, string>;
  timeoutMs?: number;
  maxConcurrency?: number;
}

export interface Workflow {
  workflowId: string;
  target: WorkflowTarget;
  resultMode: ResultMode;
  inputSchema?: Record<string, unknown>;
}

export interface Instance {
  processInstanceId: string;
  organizationId: string;
  name: string;
  active: boolean;
  apiKeyHint: string;
  createdAt: string;
  updatedAt: string;
}

export type SigningSecretScheme = 'standard-webhooks' | 'stripe' | 'github' | 'gcp-pubsub-oidc';

/** What the API shows of a signing secret: never the secret. */
export interface SigningSecretInfo {
  secretId: string;
  label: string;
  scheme: SigningSecretScheme;
  createdAt: string;
  expiresAt?: string;
  audience?: string;
  serviceAccountEmail?: string;
}

/** A signing secret with its plaintext, for verification only. */
export interface SigningSecretMaterial extends SigningSecretInfo {
  secret?: string;
}
